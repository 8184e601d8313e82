
namespace Pixelcut.TryOn.Tests;

public class RecentJobsTests
{
    private static TryOnJob Job(string id, string status = "Pending") => new(id, status, null, null, null, DateTime.UtcNow, null);

    [Fact]
    public void Lists_matching_ids_newest_first_ignoring_case()
    {
        var recent = new RecentJobs(capacity: 10);
        recent.Remember(Job("abc-1"));
        recent.Remember(Job("xyz-1"));
        recent.Remember(Job("ABC-2"));
        Assert.Equal(new[] { "ABC-2", "abc-1" }, recent.StartingWith("abc").Select(job => job.JobId));
    }

    [Fact]
    public void Looking_a_job_up_again_moves_it_to_the_front_with_its_new_status()
    {
        var recent = new RecentJobs(capacity: 10);
        recent.Remember(Job("a"));
        recent.Remember(Job("b"));
        recent.Remember(Job("a", "Completed"));
        var all = recent.StartingWith("");
        Assert.Equal(new[] { "a", "b" }, all.Select(job => job.JobId));
        Assert.Equal("Completed", all[0].Status);
    }

    [Fact]
    public void Forgets_the_oldest_job_past_its_capacity()
    {
        var recent = new RecentJobs(capacity: 2);
        recent.Remember(Job("a"));
        recent.Remember(Job("b"));
        recent.Remember(Job("c"));
        Assert.Equal(new[] { "c", "b" }, recent.StartingWith("").Select(job => job.JobId));
        recent.Remember(Job("a"));
        Assert.Equal(new[] { "a", "c" }, recent.StartingWith("").Select(job => job.JobId));
    }
}
