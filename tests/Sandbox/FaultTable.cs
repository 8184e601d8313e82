using System.Collections;

namespace Pixelcut.Sandbox;

/// <summary>
/// One scripted fault as a job names it: Name, then a colon and its Argument when it takes one (ArgumentOptional when it may
/// be left out); Kind "api" for a job's API requests, "asset" for the downloads of its picture, "submit" for the submits
/// of a person image.
/// </summary>
public sealed record FaultInfo(string Kind, string Name, string? Argument, bool ArgumentOptional, string Description)
{
    /// <summary>How the fault is written: slow:MS, huge[:MiB], or the bare name.</summary>
    public string Usage => Argument == null ? Name : ArgumentOptional ? $"{Name}[:{Argument}]" : $"{Name}:{Argument}";
}

/// <summary>What a fault is played on: the request, its job and route, and the text after the fault's colon ("" for none).</summary>
public sealed record FaultPlay<TRoute>(HttpContext Context, SandboxJob Job, TRoute Route, string Argument);

/// <summary>
/// What a submit fault is played on, before any job exists: the request, the body it carried, the notes its log entry
/// keeps, and the text after the fault's colon ("" for none, and for a submit that plays no fault).
/// </summary>
public sealed record SubmitPlay(HttpContext Context, SandboxState State, SubmitBody Body, LogNotes Notes, string Argument);

/// <summary>
/// The faults of one kind, in the order they are listed, each with how it is played on a TPlay (what the fault acts on and
/// its argument): the status it answered (0 when the connection was closed without an answer), or null when the normal
/// answer follows.
/// </summary>
public sealed class FaultTable<TPlay>(string kind) : IEnumerable<FaultInfo>
{
    private readonly List<FaultInfo> _infos = [];
    private readonly Dictionary<string, Func<TPlay, Task<int?>>> _plays = new(StringComparer.Ordinal);

    public string Kind { get; } = kind;

    /// <summary>Adds a fault written as its usage: "name", "name:ARG" or "name[:ARG]".</summary>
    public void Add(string usage, string description, Func<TPlay, Task<int?>> play)
    {
        var optional = usage.EndsWith(']') && usage.Contains("[:", StringComparison.Ordinal);
        var (name, argument) = optional ? Split(usage[..^1].Replace("[:", ":", StringComparison.Ordinal)) : Split(usage);
        _plays.Add(name, play);
        _infos.Add(new FaultInfo(Kind, name, argument == "" ? null : argument, optional, description));
    }

    /// <summary>Why a job may not take this fault, or null when it may.</summary>
    public string? Refusal(string? fault)
    {
        var (name, argument) = Split(fault ?? "");
        var info = _infos.Find(info => info.Name == name);
        if (info == null) return $"Unknown {Kind} fault '{fault}'.";
        var given = (fault ?? "").Contains(':');
        if (info.Argument == null && given) return $"The {Kind} fault '{name}' takes no argument, but was given '{fault}'.";
        if (info.Argument != null && !info.ArgumentOptional && argument == "") return $"The {Kind} fault '{name}' is written {info.Usage}.";
        return null;
    }

    /// <summary>How to play a fault and the argument it was given, or null for a name not in the table.</summary>
    public (Func<TPlay, Task<int?>> Play, string Argument)? Find(string fault)
    {
        var (name, argument) = Split(fault);
        return _plays.TryGetValue(name, out var play) ? (play, argument) : null;
    }

    /// <summary>A fault's name and the text after its first colon, so an argument (a URL, say) may hold colons of its own.</summary>
    public static (string Name, string Argument) Split(string fault) =>
        fault.IndexOf(':') is var colon and >= 0 ? (fault[..colon], fault[(colon + 1)..]) : (fault, "");

    public IEnumerator<FaultInfo> GetEnumerator() => _infos.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
