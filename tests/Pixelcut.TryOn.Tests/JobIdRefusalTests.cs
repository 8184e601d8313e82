namespace Pixelcut.TryOn.Tests;

public class JobIdRefusalTests
{
    [Fact]
    public void A_refusal_reads_back_as_its_failure()
    {
        var failure = JobIdRefusal.Read(JobIdRefusal.NotText("1234", "its Id property is a number (Int32), not text"))!;
        Assert.Equal(ErrorKind.InvalidJobId, failure.Kind);
        Assert.Equal("1234", failure.JobId);
        Assert.StartsWith("its Id property is a number", failure.Detail);

        var missing = JobIdRefusal.Read(JobIdRefusal.NoJobId(new[] { "Name", "Size" }))!;
        Assert.Equal(ErrorKind.InputWithoutJobId, missing.Kind);
        Assert.Null(missing.JobId);
        Assert.Equal("it has Name, Size", missing.Detail);
    }

    [Theory]
    [InlineData("\0refused\0")]
    [InlineData("\0refused\0InputWithoutJobId\0x")]
    [InlineData("\0not-text\0x")]
    [InlineData("\0")]
    public void A_user_string_that_starts_with_nul_is_an_invalid_job_id(string given)
    {
        var failure = JobIdRefusal.Read(JobIdRefusal.Checked(given))!;
        Assert.Equal(ErrorKind.InvalidJobId, failure.Kind);
        Assert.Equal("it contains a control character", failure.Detail);
    }

    [Fact]
    public void An_ordinary_id_is_not_a_refusal() => Assert.Null(JobIdRefusal.Read(JobIdRefusal.Checked("6ba7b810")));
}
