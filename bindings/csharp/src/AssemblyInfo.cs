using System.Runtime.CompilerServices;

// The tests read answers and documents through the binding's internal constructors, and the
// emulator's answers with the same JsonContract helper.
[assembly: InternalsVisibleTo("UserToken.Tests")]
