// The gateway and its tests run on Linux (ptys, systemd, Debian tools).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
