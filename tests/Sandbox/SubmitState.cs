using System.Collections.Concurrent;

namespace Pixelcut.Sandbox;

/// <summary>
/// The jobs created for one pair of inputs, in the order they were created; Sequence orders the pairs by their first job.
/// The record itself is the lock.
/// </summary>
public sealed class Submission(string personImage, string garmentImage, long sequence)
{
    public long Sequence { get; } = sequence;
    public string PersonImage { get; } = personImage;
    public string GarmentImage { get; } = garmentImage;
    public List<string> JobIds { get; } = [];
}

/// <summary>
/// What submits use up and meet: the account's credits, the jobs created per pair of inputs, the faults scripted per person
/// image, and the draws of the run-wide fault mix. A submit has no job id yet, so its faults are keyed by what it sends.
/// </summary>
public sealed class SubmitState(SandboxOptions options)
{
    public const long DefaultCredits = 1000;

    private readonly object _creditsGate = new();
    private long _credits = DefaultCredits;
    private readonly object _mixGate = new();
    private Random _mix = new(options.SubmitFaultSeed);
    private long _pairs;

    public ConcurrentDictionary<(string Person, string Garment), Submission> Submissions { get; } = new();

    /// <summary>Faults still to happen, one per submit of the person image they are keyed by (its URL or file name), in order.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> ScriptedFaults { get; } = new(StringComparer.Ordinal);

    public long Credits
    {
        get { lock (_creditsGate) return _credits; }
        set { lock (_creditsGate) _credits = value; }
    }

    /// <summary>Takes the credit a job costs; false, taking none, when none is left.</summary>
    public bool TryCharge()
    {
        lock (_creditsGate)
        {
            if (_credits <= 0) return false;
            _credits--;
            return true;
        }
    }

    public void Count(SubmitImage person, SubmitImage garment, string jobId)
    {
        var submission = Submissions.GetOrAdd((person.ToString(), garment.ToString()), key => new Submission(key.Person, key.Garment, Interlocked.Increment(ref _pairs)));
        lock (submission) submission.JobIds.Add(jobId);
    }

    public void Script(string personImage, IEnumerable<string> faults)
    {
        var queue = ScriptedFaults.GetOrAdd(personImage, _ => new ConcurrentQueue<string>());
        foreach (var fault in faults) queue.Enqueue(fault);
    }

    /// <summary>The fault this submit plays: the next one scripted for its person image, else a draw from the mix, else none.</summary>
    public string? NextFault(SubmitImage? person)
    {
        if (person != null && ScriptedFaults.TryGetValue(person.FaultKey, out var scripted) && scripted.TryDequeue(out var fault)) return fault;
        if (options.SubmitFaultMix.Length == 0 || options.SubmitFaultShare <= 0) return null;
        lock (_mixGate)
            return _mix.NextDouble() < options.SubmitFaultShare ? options.SubmitFaultMix[_mix.Next(options.SubmitFaultMix.Length)] : null;
    }

    /// <summary>Starts the mix's draws over from the seed, so a run with the same seed meets the same faults in the same order.</summary>
    public void Reseed()
    {
        lock (_mixGate) _mix = new Random(options.SubmitFaultSeed);
    }

    public void Reset()
    {
        Credits = DefaultCredits;
        Submissions.Clear();
        ScriptedFaults.Clear();
        Reseed();
    }
}
