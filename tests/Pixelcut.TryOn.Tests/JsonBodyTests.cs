
namespace Pixelcut.TryOn.Tests;

public class JsonBodyTests
{
    [Fact]
    public void Reads_the_error_body_and_nested_status_error()
    {
        var body = JsonBody.TryParseObject("""{"job_id":"a","status":"failed","error":{"message":"Job \"x\"\n","error_code":"job_cancelled"},"n":1.5e2,"ok":true,"list":[1,null]}""");
        Assert.NotNull(body);
        Assert.Equal("failed", JsonBody.GetString(body, "status"));
        Assert.Equal("Job \"x\"\n", JsonBody.GetString(JsonBody.GetObject(body, "error"), "message"));
        Assert.Equal(150.0, body!["n"]);
        Assert.Equal(true, body["ok"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Internal service error")]
    [InlineData("<html>502</html>")]
    [InlineData("{\"message\": \"Job canc")]
    [InlineData("[1,2]")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":\"\\u12\"}")]
    public void Anything_but_one_whole_object_reads_as_null(string text) => Assert.Null(JsonBody.TryParseObject(text));

    [Fact]
    public void Deep_nesting_is_refused_rather_than_overflowing_the_stack() =>
        Assert.Null(JsonBody.TryParseObject(new string('[', 10000) + new string(']', 10000)));

    [Fact]
    public void Unicode_escapes_are_decoded() =>
        Assert.Equal("é☃", JsonBody.GetString(JsonBody.TryParseObject("""{"t":"\u00e9\u2603"}"""), "t"));
}
