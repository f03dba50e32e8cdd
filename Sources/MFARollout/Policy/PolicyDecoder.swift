import Crypto
import Foundation
import Yams

/// Turns policy YAML into a validated, compiled `Policy`.
struct PolicyDecoder {
    let file: String
    let baseDirectory: String
    var membership: PolicyMembership = .none

    static let topLevelKeys = [
        "version", "tenant", "flag", "mode", "disable", "csv", "columns", "rules", "allow", "deny", "rollout",
        "guards",
    ]

    func decode(yaml: String) throws(PolicyError) -> Policy {
        let root = PolicyNode(node: try compose(yaml), path: "", file: file)
        let fields = try root.fields(allowed: Self.topLevelKeys)

        guard let versionNode = fields["version"] else {
            throw root.error("missing required key 'version' (write version: 1)")
        }
        let version = try versionNode.int()
        guard version == 1 else { throw versionNode.error("unsupported version \(version); this tool reads version 1") }

        var tenant: String?
        if let node = fields["tenant"] {
            let text = try node.string()
            do {
                tenant = try TenantDomain(text).canonical
            } catch {
                throw node.error("\(error.description) (write the tenant's domain, e.g. acme.eu.auth0.com)")
            }
        }

        var flag = FlagLocation.default
        var flagColumn: String?
        var flagFields: [String: PolicyNode] = [:]
        if let node = fields["flag"] {
            let f = try node.fields(allowed: ["location", "column"] + Self.ownershipFlagKeys)
            flagFields = f
            if let location = f["location"] {
                let text = try location.string()
                guard let parsed = FlagLocation(parsing: text) else {
                    throw location.error(
                        "'\(text)' is not a flag location: write app_metadata.KEY or user_metadata.KEY, KEY non-empty without '.' or '$'"
                    )
                }
                flag = parsed
            }
            if let column = f["column"] { flagColumn = try column.string() }
        }

        var mode = PolicyMode.enableOnly
        if let node = fields["mode"] {
            let text = try node.text()
            guard let parsed = PolicyMode(rawValue: text) else {
                throw node.error("unknown mode '\(text)' (expected one of: enable-only, enforce)")
            }
            mode = parsed
        }

        let dialect = try fields["csv"].map { (n) throws(PolicyError) in try decodeCSV(n) } ?? CSVDialect()
        let columns = try fields["columns"].map { (n) throws(PolicyError) in try decodeColumns(n) } ?? .default
        let resolvedFlagColumn = flagColumn ?? flag.description
        let ownership = try decodeOwnership(flagFields: flagFields, disable: fields["disable"], flag: flag)

        var registry = NumberedNames()
        let userIDIndex = registry.number(of: columns.userID)
        let emailIndex = registry.number(of: columns.email)
        _ = registry.number(of: columns.connection)
        _ = registry.number(of: resolvedFlagColumn)
        _ = registry.number(of: ownership.column)

        var rollout: RolloutSettings?
        if let node = fields["rollout"] {
            let f = try node.fields(allowed: ["percentage", "salt"])
            guard let salt = f["salt"] else {
                throw node.error(
                    "missing required key 'salt': the rollout hash needs a salt (e.g. salt: \"mfa-2026-q4\")")
            }
            rollout = RolloutSettings(percentage: try f["percentage"]?.percentage(), salt: try salt.string())
        }

        var rules: [Rule] = []
        var references: [Policy.ColumnReference] = []
        var membershipNames: [MembershipKind: [String]] = [:]
        if let node = fields["rules"] {
            var firstLine: [String: Int?] = [:]
            for ruleNode in try node.sequence() {
                let rule = try decodeRule(
                    ruleNode, hasSalt: rollout != nil, registry: &registry, references: &references,
                    userIDColumn: columns.userID, membershipNames: &membershipNames)
                if let line = firstLine[rule.name] {
                    let lineInfo = line.map { " (line \($0))" } ?? ""
                    throw ruleNode.child("name", ruleNode.node["name"]!)
                        .error("duplicate rule name '\(rule.name)': already used by an earlier rule\(lineInfo)")
                }
                firstLine[rule.name] = ruleNode.line
                rules.append(rule)
            }
        }

        var inputFiles = [
            PolicyInputFile(kind: .policy, path: file, sha256: SHA256.hash(data: Array(yaml.utf8)).hexString)
        ]
        var members: MembershipFile?
        if case .file(let file) = membership {
            members = file
            inputFiles.append(PolicyInputFile(kind: .members, path: file.path, sha256: file.sha256))
        }
        let allow =
            try fields["allow"].map { (n) throws(PolicyError) in
                try decodeList(n, kind: .allowList, inputFiles: &inputFiles)
            } ?? UserList()
        let deny =
            try fields["deny"].map { (n) throws(PolicyError) in
                try decodeList(n, kind: .denyList, inputFiles: &inputFiles)
            } ?? UserList()

        var guards = Guards(minRows: Guards.defaultMinRows)
        if let node = fields["guards"] {
            let f = try node.fields(allowed: ["max_changes", "max_change_percent", "min_rows"])
            guards.maxChanges = try f["max_changes"]?.int()
            guards.maxChangePercent = try f["max_change_percent"]?.percentage()
            guards.minRows = try f["min_rows"]?.int() ?? Guards.defaultMinRows
        }

        // Last, so that naming it leaves the other columns where they were.
        if let enrolled = columns.enrolled { _ = registry.number(of: enrolled) }

        if rules.isEmpty && allow.isEmpty {
            throw root.error("the policy selects nobody: give at least one rule under 'rules' or an entry in 'allow'")
        }

        return Policy(
            tenant: tenant, flag: flag, flagColumn: resolvedFlagColumn, ownership: ownership, mode: mode,
            dialect: dialect, columns: columns,
            rules: rules, allow: allow, deny: deny, rollout: rollout, guards: guards, inputFiles: inputFiles,
            columnsNeeded: registry.names, membershipNames: membershipNames, members: members, file: file,
            userIDIndex: userIDIndex, emailIndex: emailIndex,
            rolloutHasher: rollout.map { RolloutBucket.Hasher(salt: $0.salt) },
            decisionTable: rules.map { rule in
                let percentage = rule.rollout ?? rollout?.percentage
                return .init(name: rule.name, percentage: percentage.flatMap { $0 < 100 ? $0 : nil })
            },
            program: ConditionProgram(rules: rules.map(\.compiled)),
            listMatcher: UserListMatcher([deny, allow]),
            columnReferences: references)
    }

    // MARK: YAML

    private func compose(_ yaml: String) throws(PolicyError) -> Node {
        if let excess = YAMLExpansion.check(yaml) {
            throw PolicyError(
                file: file, keyPath: "", line: excess.line, column: excess.column,
                message:
                    "the policy stands for more than \(YAMLExpansion.nodeLimit) YAML nodes once its aliases are expanded (aliases of aliases multiply it, as in a \"billion laughs\" bomb): write it out, or put long lists in list files"
            )
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.policyError(error, file: file)
        } catch {
            throw PolicyError(file: file, keyPath: "", line: nil, column: nil, message: "invalid YAML: \(error)")
        }
        guard let node else {
            throw PolicyError(file: file, keyPath: "", line: nil, column: nil, message: "the policy file is empty")
        }
        return node
    }

    static func policyError(_ error: YamlError, file: String) -> PolicyError {
        func make(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> PolicyError {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return PolicyError(file: file, keyPath: "", line: mark.line, column: mark.column, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return make(context, problem, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return PolicyError(
                file: file, keyPath: "", line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(keys) in the same mapping")
        case .reader(let problem, let offset, _, _):
            return PolicyError(
                file: file, keyPath: "", line: nil, column: nil,
                message: "invalid YAML: \(problem)" + (offset.map { " at character \($0)" } ?? ""))
        default:
            return PolicyError(file: file, keyPath: "", line: nil, column: nil, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Sections

    private func decodeCSV(_ node: PolicyNode) throws(PolicyError) -> CSVDialect {
        let f = try node.fields(allowed: ["delimiter", "auth0_escaping", "max_field_bytes", "max_record_bytes"])
        var settings = CSVDialect()
        if let d = f["delimiter"] {
            let text = try d.string(allowEmpty: true)
            let scalars = Array(text.unicodeScalars)
            guard scalars.count == 1, scalars[0].isASCII, !["\"", "\n", "\r"].contains(scalars[0]) else {
                throw d.error(
                    "delimiter must be exactly one ASCII character other than '\"' or a line break, found '\(text)'")
            }
            settings.delimiter = UInt8(scalars[0].value)
        }
        if let e = f["auth0_escaping"] {
            let text = try e.text()
            switch text {
            case "auto": settings.auth0Escaping = .auto
            case "on": settings.auth0Escaping = .on
            case "off": settings.auth0Escaping = .off
            default: throw e.error("unknown auth0_escaping '\(text)' (expected one of: auto, on, off)")
            }
        }
        if let n = f["max_field_bytes"] { settings.maxFieldBytes = try n.byteCount() }
        if let n = f["max_record_bytes"] { settings.maxRecordBytes = try n.byteCount() }
        if settings.maxFieldBytes > settings.maxRecordBytes {
            throw (f["max_field_bytes"] ?? f["max_record_bytes"] ?? node).error(
                "max_field_bytes (\(ByteCount.text(settings.maxFieldBytes))) is more than max_record_bytes (\(ByteCount.text(settings.maxRecordBytes))): a field is part of a record"
            )
        }
        return settings
    }

    private func decodeColumns(_ node: PolicyNode) throws(PolicyError) -> ColumnMap {
        let f = try node.fields(allowed: ["user_id", "email", "connection", "enrolled"])
        var map = ColumnMap.default
        if let n = f["user_id"] { map.userID = try n.string() }
        if let n = f["email"] { map.email = try n.string() }
        if let n = f["connection"] { map.connection = try n.string() }
        if let n = f["enrolled"] { map.enrolled = try n.string() }
        return map
    }

    private func decodeRule(
        _ node: PolicyNode, hasSalt: Bool, registry: inout NumberedNames, references: inout [Policy.ColumnReference],
        userIDColumn: String, membershipNames: inout [MembershipKind: [String]]
    ) throws(PolicyError) -> Rule {
        let f = try node.fields(allowed: ["name", "description", "rollout", "when"])
        guard let nameNode = f["name"] else { throw node.error("missing required key 'name'") }
        let name = try nameNode.string()
        guard name.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
            throw nameNode.error("rule name '\(name)' may contain only letters A-Z a-z, digits, '_', '.' and '-'")
        }
        let description = try f["description"]?.string(allowEmpty: true)
        var rollout: Double?
        if let r = f["rollout"] {
            rollout = try r.percentage()
            guard hasSalt else {
                throw r.error("a rule's rollout needs the top-level salt: add rollout: { salt: \"...\" }")
            }
        }
        guard let when = f["when"] else { throw node.error("rule '\(name)' is missing required key 'when'") }
        var compiler = ConditionCompiler(registry: registry, references: references)
        compiler.membership = membership
        compiler.membershipNames = membershipNames
        compiler.userIDColumn = userIDColumn
        let (condition, compiled) = try compiler.compile(when)
        registry = compiler.registry
        references = compiler.references
        membershipNames = compiler.membershipNames
        return Rule(name: name, description: description, rollout: rollout, condition: condition, compiled: compiled)
    }

    private static func isNameCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "-": true
        default: false
        }
    }

    private func decodeList(
        _ node: PolicyNode, kind: PolicyInputFile.Kind, inputFiles: inout [PolicyInputFile]
    ) throws(PolicyError) -> UserList {
        let f = try node.fields(allowed: ["files", "ids", "emails"])
        var list = UserList()
        if let files = f["files"] {
            for fileNode in try files.sequence() {
                let relative = try fileNode.string()
                let path = resolve(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    let data = FileManager.default.contents(atPath: path)
                else {
                    throw fileNode.error("list file '\(relative)' not found (looked for \(path))")
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw fileNode.error("list file '\(relative)' is not valid UTF-8")
                }
                list.formUnion(try UserListFile.parse(text, file: path, keyPath: fileNode.path))
                inputFiles.append(PolicyInputFile(kind: kind, path: path, sha256: SHA256.hash(data: data).hexString))
            }
        }
        if let ids = f["ids"] {
            for idNode in try ids.sequence() {
                let id = try idNode.string()
                if case .email = UserListEntry.classify(id) {
                    throw idNode.error("'\(id)' looks like an email, not a user id: list it under 'emails'")
                }
                list.insert(id: id)
            }
        }
        if let emails = f["emails"] {
            for emailNode in try emails.sequence() {
                let email = try emailNode.string()
                guard case .email = UserListEntry.classify(email) else {
                    throw emailNode.error(
                        "'\(email)' is not an email (an email has an '@' and no '|'): list user ids under 'ids'")
                }
                list.insert(email: email)
            }
        }
        return list
    }

    private func resolve(_ path: String) -> String {
        if path.hasPrefix("/") || baseDirectory.isEmpty { return path }
        return baseDirectory.hasSuffix("/") ? baseDirectory + path : baseDirectory + "/" + path
    }
}
