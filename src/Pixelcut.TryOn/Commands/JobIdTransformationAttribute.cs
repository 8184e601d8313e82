using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Reads job ids out of whatever is bound to -JobId: strings and Guids as they are, and objects by
    /// their JobId, job_id or Id property or key. Anything else must not reach the API as its text
    /// (a process id is not a job id), so it becomes a refusal that <see cref="JobIdRefusal"/> reads back.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    internal sealed class JobIdTransformationAttribute : ArgumentTransformationAttribute
    {
        internal static readonly string[] PropertyNames = { "JobId", "job_id", "Id" };

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var items = new List<string>();
            if (inputData is IEnumerable sequence && !(Unwrap(inputData) is string) && !(Unwrap(inputData) is IDictionary))
            {
                foreach (var item in sequence) items.Add(Read(item));
            }
            else
            {
                items.Add(Read(inputData));
            }
            return items.ToArray();
        }

        private static string Read(object? input)
        {
            var value = Unwrap(input);
            switch (value)
            {
                case null:
                case string _:
                case Guid _:
                    return Text(value, "it");
                case IDictionary dictionary:
                    return FromDictionary(dictionary);
            }
            if (value.GetType().IsValueType) return Text(value, "it");

            var wrapped = PSObject.AsPSObject(input);
            foreach (var name in PropertyNames)
            {
                var property = wrapped.Properties[name];
                if (property != null) return Text(property.Value, $"its {name} property");
            }
            return JobIdRefusal.NoJobId(wrapped.Properties.Select(property => property.Name));
        }

        private static string FromDictionary(IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                foreach (var name in PropertyNames)
                {
                    if (string.Equals(entry.Key as string, name, StringComparison.OrdinalIgnoreCase)) return Text(entry.Value, $"its {name} key");
                }
            }
            return JobIdRefusal.NoJobId(dictionary.Keys.Cast<object>().Select(key => key.ToString()));
        }

        /// <summary>A job id is text (a Guid reads as its text); a number or any other value is refused, never converted.</summary>
        private static string Text(object? input, string source)
        {
            var value = Unwrap(input);
            switch (value)
            {
                case null: return string.Empty;
                case string text: return JobIdRefusal.Checked(text);
                case Guid guid: return guid.ToString();
                default:
                    var type = value.GetType().Name;
                    return JobIdRefusal.NotText(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
                        $"{source} is {(IsNumber(value) ? $"a number ({type})" : "a " + type)}, not text");
            }
        }

        private static bool IsNumber(object value) =>
            value is byte || value is sbyte || value is short || value is ushort || value is int || value is uint ||
            value is long || value is ulong || value is float || value is double || value is decimal ||
            value is System.Numerics.BigInteger;

        private static object? Unwrap(object? input) => input is PSObject wrapped ? wrapped.BaseObject : input;
    }
}
