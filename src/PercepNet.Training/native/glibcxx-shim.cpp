// GLIBCXX_3.4.32's only symbol that libLibTorchSharp.so imports: a no-op hook of GCC 13's libstdc++.
// Built into the output folder on Linux and loaded only where the system libstdc++ is older (see TorchLoader).
namespace std { void ios_base_library_init() {} }
