using System;
using System.Management.Automation;
using System.Security;

namespace Pixelcut.TryOn.Commands
{
    /// <summary>
    /// Takes the key as what vaults and prompts hand out: a SecureString (Read-Host -AsSecureString,
    /// Get-Secret) or a PSCredential (Get-Credential, Get-Secret of a credential), whose password is the key.
    /// Plain text is refused with a way forward, because a key typed as text stays in the history.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    internal sealed class ApiKeyTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case null: return null;
                case SecureString secret: return secret;
                case PSCredential credential: return credential.Password;
                case string _:
                    throw new ArgumentTransformationMetadataException(
                        "-ApiKey takes a SecureString, not plain text. Use (Read-Host -AsSecureString), Get-Secret, " +
                        "or set the PIXELCUT_API_KEY environment variable in automation.");
                default: return value;
            }
        }
    }
}
