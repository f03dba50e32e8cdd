import MFARollout
import ManagementAPI

/// The PATCH body of one plan operation: the flag's desired value and, when the plan has a
/// source key, that key's desired value in the same request. `apply` sends it; `emit` writes it.
package enum OperationPatch {
    /// The body for `operation` of a plan whose flag is `flag`.
    /// - Throws: ``ManagementAPIError/invalidRequest(reason:)`` when the flag or source
    ///   container is unknown or a key is one Auth0 rejects.
    package static func make(_ operation: PlanOperation, flag: Plan.FlagTarget) throws(ManagementAPIError) -> FlagPatch
    {
        try make(desired: operation.desired, source: operation.source, flag: flag)
    }

    /// The body that leaves the flag at `desired` and the source key (if the plan has one) at `source.desired`.
    package static func make(
        desired: FlagValue, source: SourceChange?, flag: Plan.FlagTarget
    ) throws(ManagementAPIError) -> FlagPatch {
        guard let container = MetadataContainer(rawValue: flag.container) else {
            throw .invalidRequest(
                reason: "the container must be app_metadata or user_metadata, not '\(flag.container)'")
        }
        var sourcePatch: FlagPatch.Source?
        if let target = flag.source, let source {
            guard let sourceContainer = MetadataContainer(rawValue: target.container) else {
                throw .invalidRequest(
                    reason: "the source container must be app_metadata or user_metadata, not '\(target.container)'")
            }
            sourcePatch = try FlagPatch.Source(container: sourceContainer, key: target.key, value: source.desired)
        }
        return try FlagPatch(container: container, key: flag.key, value: value(desired), source: sourcePatch)
    }

    /// The boolean a desired flag value is written as; nil deletes the key.
    static func value(_ desired: FlagValue) -> Bool? {
        switch desired {
        case .on: true
        case .off: false
        case .absent, .other: nil
        }
    }
}
