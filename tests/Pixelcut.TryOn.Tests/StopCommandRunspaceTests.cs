using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using Pixelcut.Sandbox;

namespace Pixelcut.TryOn.Tests;

/// <summary>The cmdlet in an in-process runspace against the stand-in API hosted in this process.</summary>
public sealed class StopCommandRunspaceTests : IAsyncLifetime
{
    private SandboxServer _sandbox = null!;

    public async Task InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions());

    public async Task DisposeAsync() => await _sandbox.DisposeAsync();

    private void AddJobs(params string[] ids)
    {
        foreach (var id in ids) _sandbox.State.Jobs[id] = new SandboxJob { Id = id };
    }

    private (PowerShell Shell, Runspace Runspace) Open(PSHost? host = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Stop-PixelcutTryOnJob", typeof(StopPixelcutTryOnJobCommand), null));
        var runspace = host == null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        var shell = PowerShell.Create();
        shell.Runspace = runspace;
        return (shell, runspace);
    }

    private PowerShell StopCommand(PowerShell shell, params string[] ids)
    {
        var key = new SecureString();
        foreach (var c in SandboxOptions.DefaultApiKey) key.AppendChar(c);
        return shell.AddCommand("Stop-PixelcutTryOnJob")
            .AddParameter("JobId", ids)
            .AddParameter("ApiKey", key)
            .AddParameter("BaseUri", _sandbox.BaseUri)
            .AddParameter("PassThru");
    }

    [Fact]
    public void Yes_to_All_at_the_first_confirmation_covers_every_later_job()
    {
        AddJobs("c1", "c2", "c3");
        var host = new ScriptedHost("Yes to All");
        var (shell, runspace) = Open(host);
        using (runspace)
        using (shell)
        {
            var output = StopCommand(shell, "c1", "c2", "c3").AddParameter("Confirm").Invoke<CancelledJob>();
            Assert.Equal(new[] { "c1", "c2", "c3" }, output.Select(job => job.JobId));
            Assert.Equal(1, host.PromptCount);
            Assert.Contains("c1", host.PromptMessages[0]);
        }
    }

    [Fact]
    public void No_at_each_confirmation_sends_nothing()
    {
        AddJobs("n1", "n2");
        var host = new ScriptedHost("No");
        var (shell, runspace) = Open(host);
        using (runspace)
        using (shell)
        {
            var output = StopCommand(shell, "n1", "n2").AddParameter("Confirm").Invoke();
            Assert.Empty(output);
            Assert.Equal(2, host.PromptCount);
            Assert.Empty(_sandbox.State.Log);
        }
    }

    [Fact]
    public void A_per_job_failure_is_a_non_terminating_error_and_the_rest_are_cancelled()
    {
        AddJobs("ok1", "ok2");
        var (shell, runspace) = Open();
        using (runspace)
        using (shell)
        {
            var output = StopCommand(shell, "ok1", "gone", "ok2").Invoke<CancelledJob>();
            Assert.Equal(new[] { "ok1", "ok2" }, output.Select(job => job.JobId));
            var error = Assert.Single(shell.Streams.Error);
            Assert.StartsWith("JobNotFound,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("gone", error.TargetObject);
            Assert.IsType<PixelcutJobNotFoundException>(error.Exception);
            Assert.False(string.IsNullOrEmpty(error.ErrorDetails.RecommendedAction));
        }
    }

    [Fact]
    public void Debug_in_a_host_that_can_prompt_keeps_PowerShells_own_behaviour()
    {
        AddJobs("d1");
        var host = new ScriptedHost("Yes");
        var (shell, runspace) = Open(host);
        using (runspace)
        using (shell)
        {
            var output = StopCommand(shell, "d1").AddParameter("Debug").Invoke<CancelledJob>();
            Assert.Equal("d1", Assert.Single(output).JobId);
            // -Debug makes a compiled cmdlet's Verbose preference Inquire: here PowerShell asks, as it would anywhere.
            Assert.Contains("Continue with this operation?", host.PromptMessages);
        }
    }
}
