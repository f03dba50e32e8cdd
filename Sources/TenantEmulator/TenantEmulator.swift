/// A local Auth0 tenant: a Management API emulator for rehearsals, the demo and the tests.
public enum TenantEmulatorInfo {}
