using Pixelcut.Sandbox;

var options = SandboxOptions.FromArgs(args);
await using var sandbox = await SandboxServer.StartAsync(options);
Console.WriteLine($"Sandbox listening on {sandbox.BaseUri}");
var stopped = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
// A parent that dies closes our standard input; stop with it rather than linger.
_ = Task.Run(() => { while (Console.In.Read() >= 0) { } stopped.TrySetResult(); });
await stopped.Task;
