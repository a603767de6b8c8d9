namespace System.Runtime.CompilerServices
{
    /// <summary>Enables <c>init</c> accessors on netstandard2.0.</summary>
    internal static class IsExternalInit
    {
    }
}
