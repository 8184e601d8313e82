namespace Pixelcut.TryOn.Tests;

public class HostPromptingTests
{
    [Theory]
    [InlineData(new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", "x" }, true)]
    [InlineData(new[] { "pwsh", "-noni", "-c", "x" }, true)]
    [InlineData(new[] { "powershell.exe", "/NonInteractive", "-File", "run.ps1" }, true)]
    [InlineData(new[] { "pwsh", "-NonI" }, true)]
    [InlineData(new[] { "pwsh", "-NoProfile", "-Command", "x", "-NonInteractive" }, false)]
    [InlineData(new[] { "pwsh", "-File", "run.ps1", "-noni" }, false)]
    [InlineData(new[] { "pwsh", "-non" }, false)]
    [InlineData(new[] { "pwsh", "-NoProfile" }, false)]
    public void NonInteractive_is_read_from_the_process_switches_only(string[] arguments, bool nonInteractive) =>
        Assert.Equal(nonInteractive, HostPrompting.StartedNonInteractive(arguments));
}
