using System.Net;
using System.Net.Security;

namespace Pixelcut.TryOn.Tests;

/// <summary>
/// Each decision the module takes for Windows PowerShell 5.1 (.NET Framework), on its own: CI runs on Linux,
/// so the decisions are tested here and the platform's side of them is described in the README.
/// </summary>
public class PlatformTests
{
    [Fact]
    public void Tls12_is_added_on_net_framework_when_a_list_without_it_is_set()
    {
        Assert.Equal(SecurityProtocolType.Tls | SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12,
            Platform.WithTls12(SecurityProtocolType.Tls | SecurityProtocolType.Tls11, isNetFramework: true));
    }

    [Theory]
    [InlineData(SecurityProtocolType.Tls12, true)]
    [InlineData(SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13, true)]
    [InlineData((SecurityProtocolType)0, true)]
    [InlineData(SecurityProtocolType.Tls, false)]
    public void Protocols_are_left_alone_when_tls12_is_there_the_os_decides_or_the_runtime_is_not_net_framework(SecurityProtocolType current, bool isNetFramework) =>
        Assert.Null(Platform.WithTls12(current, isNetFramework));
}
