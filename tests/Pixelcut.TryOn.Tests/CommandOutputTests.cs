namespace Pixelcut.TryOn.Tests;

public class CommandOutputTests
{
    [Theory]
    [InlineData(false, false, false, "7.6.9", "OwnStream")]
    [InlineData(true, false, true, "7.6.9", "OwnStream")]
    [InlineData(true, true, false, "7.6.9", "OwnStream")]
    [InlineData(true, false, false, "7.6.9", "DebugStream")]
    [InlineData(true, false, false, "6.2", "DebugStream")]
    [InlineData(true, false, false, "5.1.19041.1", "Host")]
    [InlineData(true, false, true, "5.1.19041.1", "OwnStream")]
    public void Under_Debug_a_line_goes_where_nothing_asks_when_the_host_cannot(bool debugFlag, bool ownPreferenceGiven, bool canPrompt,
        string powerShellVersion, string route) =>
        Assert.Equal(Enum.Parse<CommandOutput.Route>(route), CommandOutput.RouteFor(debugFlag, ownPreferenceGiven, canPrompt, Version.Parse(powerShellVersion)));
}
