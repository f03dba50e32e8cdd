/// The pure core of mfa-rollout: export reading, policy, planning, the plan file and reports.
///
/// Nothing in this module can reach the network or the terminal.
public enum MFARolloutInfo {
    /// The tool's version, recorded in every plan.
    public static let version = "0.1.0"
}
