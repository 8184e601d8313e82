namespace Pixelcut.TryOn.Composition
{
    /// <summary>A setting as resolved: its value, or the failure that refuses it. Only a command turns the failure into an error.</summary>
    internal sealed class Resolved<T>
    {
        private Resolved(T value, Failure? failure)
        {
            Value = value;
            Failure = failure;
        }

        public T Value { get; }

        public Failure? Failure { get; }

        public static Resolved<T> To(T value) => new Resolved<T>(value, null);

        public static Resolved<T> Refused(Failure failure) => new Resolved<T>(default!, failure);

        public static implicit operator Resolved<T>(Failure failure) => Refused(failure);
    }
}
