using System.Runtime.CompilerServices;

// The tests check the JSON reader and writer directly, and read the emulator's answers with
// the same reader.
[assembly: InternalsVisibleTo("UserToken.Tests")]
