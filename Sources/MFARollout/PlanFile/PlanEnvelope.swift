/// The two fields every plan file starts with, `format` and `format_version`: read before
/// anything else, so a file that is not a plan, or a plan of another version, is refused by
/// name. Both plan readers (``PlanFile/read(from:)`` and ``PlanStream``) check it the same way.
struct PlanEnvelope: Decodable {
    var format: String?
    var formatVersion: Int?

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
    }

    /// Refuses a file that is not an `mfa-rollout-plan`, or one of another format version.
    func check(path: String) throws(PlanFileError) {
        guard format == Plan.formatName else {
            throw .malformed(path: path, reason: "the \"format\" field is not \"mfa-rollout-plan\"")
        }
        let version = formatVersion ?? 0
        guard version >= Plan.currentFormatVersion else {
            throw .olderVersion(path: path, found: version, supported: Plan.currentFormatVersion)
        }
        guard version == Plan.currentFormatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: Plan.currentFormatVersion)
        }
    }
}
