// NUnit 3's names for the one-time hooks of a [SetUpFixture], for the NUnit 2.6 that Debian's
// nunit-console runs: there a SetUpFixture's one-time hooks are [SetUp] and [TearDown], and
// NUnit 2.6 also recognises attributes derived from them. So UtEmulatorSetUp.cs, quoted in
// docs/testing-with-the-emulator.md, reads as NUnit 3 and 4 users write it, and runs here
// too. Only the Makefile's Mono build compiles this file; UserToken.Tests.csproj (NUnit 3)
// leaves it out. Use them on a [SetUpFixture] only: on a [TestFixture], NUnit 2.6 would run
// them around every test.
namespace NUnit.Framework
{
    /// <summary>NUnit 3's [OneTimeSetUp] on a [SetUpFixture], as NUnit 2.6 reads it.</summary>
    [System.AttributeUsage(System.AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public sealed class OneTimeSetUpAttribute : SetUpAttribute
    {
    }

    /// <summary>NUnit 3's [OneTimeTearDown] on a [SetUpFixture], as NUnit 2.6 reads it.</summary>
    [System.AttributeUsage(System.AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
    public sealed class OneTimeTearDownAttribute : TearDownAttribute
    {
    }
}
