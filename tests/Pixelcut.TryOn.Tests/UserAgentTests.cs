namespace Pixelcut.TryOn.Tests;

public class UserAgentTests
{
    [Fact]
    public void The_user_agent_names_module_powershell_and_os_and_cannot_break_the_header()
    {
        Assert.Equal("Pixelcut.TryOn/0.1.0 PowerShell/7.6.9 (Debian GNU/Linux 12 _bookworm_)",
            UserAgent.For("0.1.0", "7.6.9", "Debian GNU/Linux 12 (bookworm)"));
        var hostile = UserAgent.For("1.0\r\nX: y", "5.1", "Windows\r\nX-Injected: 1 é");
        Assert.DoesNotContain('\r', hostile);
        Assert.DoesNotContain('\n', hostile);
        Assert.All(hostile, c => Assert.InRange(c, ' ', '~'));
    }
}
