import CYaml

/// The bound on what YAML aliases may make of a policy: at most `nodeLimit` nodes once every
/// alias (`*name`) is replaced by what its anchor (`&name`) names.
///
/// Each alias to a list of ten aliases multiplies a document by ten ("billion laughs"): a
/// policy of a kilobyte can stand for a billion nodes, which composing (Yams hashes mapping
/// keys, aliases included) and compiling conditions would walk. The bound is checked on
/// libyaml's events before anything is composed, counting each alias by the size its anchor
/// has, never expanding it: the check's time and memory grow with the file, not with what it
/// stands for.
enum YAMLExpansion {
    /// Nodes a policy may hold with its aliases expanded: far more than any policy spells out
    /// (long lists belong in list files), far less than a bomb's.
    static let nodeLimit = 100_000

    /// Where the bound is crossed.
    struct Excess: Error, Equatable {
        /// 1-based line and column of the node that takes the document past the bound.
        var line: Int
        var column: Int
    }

    /// Checks `yaml` against the bound. A syntax error ends the check without a verdict:
    /// Yams reports it, with its position, when it composes the document.
    static func check(_ yaml: String, limit: Int = nodeLimit) -> Excess? {
        var bytes = Array(yaml.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var counter = Counter()
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                let position = Excess(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    counter.scalar(anchor: name(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    counter.alias(name(event.data.alias.anchor))
                case YAML_SEQUENCE_START_EVENT:
                    counter.open(anchor: name(event.data.sequence_start.anchor))
                case YAML_MAPPING_START_EVENT:
                    counter.open(anchor: name(event.data.mapping_start.anchor))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    counter.close()
                default:
                    break
                }
                if counter.total > limit { return position }
            }
            return nil
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: $0) }
    }

    /// Nodes so far, and the size of each anchored node. The check stops at the first node past
    /// the limit, so no count exceeds twice the limit.
    private struct Counter {
        /// Nodes of the document so far, aliases counted as the nodes they stand for.
        var total = 0
        /// For each open collection: `total` before it began, and its anchor.
        var open: [(start: Int, anchor: String?)] = []
        var anchors: [String: Int] = [:]

        mutating func scalar(anchor: String?) {
            total += 1
            if let anchor { anchors[anchor] = 1 }
        }

        /// An alias: as many nodes as its anchor's (an unknown anchor is Yams's error to report).
        mutating func alias(_ anchor: String?) {
            total += anchor.flatMap { anchors[$0] } ?? 1
        }

        mutating func open(anchor: String?) {
            open.append((total, anchor))
            total += 1
        }

        mutating func close() {
            guard let (start, anchor) = open.popLast() else { return }
            if let anchor { anchors[anchor] = total - start }
        }
    }
}
