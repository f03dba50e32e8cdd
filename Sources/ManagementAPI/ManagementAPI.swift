/// The client side of the Auth0 Management API v2: the only code in mfa-rollout that speaks to Auth0.
public enum ManagementAPI {}
