namespace Pixelcut.TryOn.Tests;

public class ExplicitProxyTests
{
    [Fact]
    public void An_explicit_proxy_is_never_bypassed_not_even_for_loopback()
    {
        var proxy = new ExplicitProxy(new Uri("http://proxy.example.test:8080"), null);
        Assert.False(proxy.IsBypassed(new Uri("http://127.0.0.1:5000/")));
        Assert.False(proxy.IsBypassed(new Uri("http://localhost:5000/")));
        Assert.Equal(new Uri("http://proxy.example.test:8080"), proxy.GetProxy(new Uri("http://localhost:5000/")));
    }
}
