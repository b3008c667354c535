// libusrsctp.a in Debian is built position-independent for executables (-fPIE), not for shared
// objects: its code reaches the one libc data symbol it uses, in6addr_any, PC-relative, which
// cannot link into the addon. A hidden definition here resolves that reference inside the addon
// (the all-zero IPv6 address, as libc's; only usrsctp's unused raw-socket code reads it).
extern "C" __attribute__((visibility("hidden"))) const unsigned char in6addr_any[16] = {};
