using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Reads job ids out of whatever is bound to -JobId: strings as they are, other plain values
    /// (a Guid) as text, and objects by their JobId, job_id or Id property or key. An object with
    /// none of those must not reach the API as the text of the object, so it becomes
    /// <see cref="MissingJobId"/>, which the command reports as InputWithoutJobId.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    internal sealed class JobIdTransformationAttribute : ArgumentTransformationAttribute
    {
        internal static readonly string[] PropertyNames = { "JobId", "job_id", "Id" };

        /// <summary>
        /// Starts the stand-in for an input object that carries no job id, followed by the names of the
        /// properties it does have. The NUL character makes it an id that can never be sent: ids with
        /// control characters are refused.
        /// </summary>
        internal const string MissingJobIdPrefix = "\0no-job-id:";

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var items = new List<string>();
            if (inputData is IEnumerable sequence && !(inputData is string) && !(Unwrap(inputData) is string) && !(Unwrap(inputData) is IDictionary))
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
                case null: return string.Empty;
                case string text: return text;
                case Guid guid: return guid.ToString();
                case IDictionary dictionary: return FromDictionary(dictionary);
            }
            if (value.GetType().IsPrimitive) return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;

            var wrapped = PSObject.AsPSObject(input);
            foreach (var name in PropertyNames)
            {
                var property = wrapped.Properties[name];
                if (property != null) return Read(property.Value);
            }
            return Missing(wrapped.Properties.Select(property => property.Name));
        }

        private static string FromDictionary(IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                foreach (var name in PropertyNames)
                {
                    if (string.Equals(entry.Key as string, name, StringComparison.OrdinalIgnoreCase)) return Read(entry.Value);
                }
            }
            return Missing(dictionary.Keys.Cast<object>().Select(key => key.ToString()));
        }

        private static string Missing(IEnumerable<string> names)
        {
            var list = string.Join(", ", names.Take(5));
            return MissingJobIdPrefix + (list.Length == 0 ? "it has no properties" : "it has " + list);
        }

        private static object? Unwrap(object? input) => input is PSObject wrapped ? wrapped.BaseObject : input;
    }
}
