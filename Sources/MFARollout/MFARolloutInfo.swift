/// The pure core of mfa-rollout: export reading, policy, planning, the plan file and reports.
///
/// Nothing in this module can reach the network or the terminal.
package enum MFARolloutInfo {
    /// The tool's version, recorded in every plan.
    package static let version = "0.1.0"
}
