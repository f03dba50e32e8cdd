import Foundation
import MFARollout
import ManagementAPI
import TestSupport
import Testing

@testable import Rollout

@Suite("emit: requests for other tooling")
struct EmitTests {
    let plan = TestPlans.plan([
        TestPlans.operation("samlp|conn|a@b.com"),
        TestPlans.operation("auth0|a/b", current: .off),
        TestPlans.operation("auth0|it's \"quoted\" $x", .disable, current: .on),
    ])
    var ids: [String] { plan.operations.map(\.id) }

    func render(_ options: EmitOptions) throws -> [EmitFile] {
        try Emitter.render(plan, options: options)
    }

    @Test("NDJSON: one request a line, the id percent-encoded, only the owned key in the body")
    func ndjsonExact() throws {
        let files = try render(EmitOptions(format: .ndjson))
        #expect(files.map(\.name) == ["ops-0001.ndjson"])
        let expected = """
            {"action":"enable","body":{"app_metadata":{"use_mfa":true}},"correlation_id":"\(ids[0])","method":"PATCH","operation_id":"\(ids[0])","path":"/api/v2/users/samlp%7Cconn%7Ca%40b.com","user_id":"samlp|conn|a@b.com"}
            {"action":"enable","body":{"app_metadata":{"use_mfa":true}},"correlation_id":"\(ids[1])","method":"PATCH","operation_id":"\(ids[1])","path":"/api/v2/users/auth0%7Ca%2Fb","user_id":"auth0|a/b"}
            {"action":"disable","body":{"app_metadata":{"use_mfa":false}},"correlation_id":"\(ids[2])","method":"PATCH","operation_id":"\(ids[2])","path":"/api/v2/users/auth0%7Cit%27s%20%22quoted%22%20%24x","user_id":"auth0|it's \\"quoted\\" $x"}

            """
        #expect(String(decoding: files[0].bytes, as: UTF8.self) == expected)
        // Each line is a JSON object whose path is what the client sends.
        for (line, operation) in zip(
            String(decoding: files[0].bytes, as: UTF8.self).split(separator: "\n"), plan.operations)
        {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["user_id"] as? String == operation.userID)
            #expect(object["path"] as? String == "/api/v2/users/" + PathEncoding.encodeSegment(operation.userID))
        }
    }

    @Test("NDJSON ids equal the operation ids (stable across runs)")
    func stableIDs() {
        #expect(
            ids[0]
                == OperationID.make(flagLocation: "app_metadata.use_mfa", userID: "samlp|conn|a@b.com", action: .enable)
        )
        #expect(ids.allSatisfy { $0.count == 15 })
    }

    @Test("HAR 1.2: every required member present, exact URLs and headers, a placeholder token")
    func harShape() throws {
        let endpoint = try ManagementEndpoint(domain: "acme.eu.auth0.com")
        let files = try render(EmitOptions(format: .har, endpoint: endpoint))
        #expect(files.map(\.name) == ["ops-0001.har"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(files[0].bytes)) as? [String: Any])
        let log = try #require(root["log"] as? [String: Any])
        #expect(log["version"] as? String == "1.2")
        let creator = try #require(log["creator"] as? [String: Any])
        #expect(creator["name"] as? String == "mfa-rollout")
        #expect(creator["version"] as? String == MFARolloutInfo.version)
        let entries = try #require(log["entries"] as? [[String: Any]])
        #expect(entries.count == 3)
        let urls = [
            "https://acme.eu.auth0.com/api/v2/users/samlp%7Cconn%7Ca%40b.com",
            "https://acme.eu.auth0.com/api/v2/users/auth0%7Ca%2Fb",
            "https://acme.eu.auth0.com/api/v2/users/auth0%7Cit%27s%20%22quoted%22%20%24x",
        ]
        let bodies = [
            #"{"app_metadata":{"use_mfa":true}}"#, #"{"app_metadata":{"use_mfa":true}}"#,
            #"{"app_metadata":{"use_mfa":false}}"#,
        ]
        for (index, entry) in entries.enumerated() {
            for key in ["startedDateTime", "time", "request", "response", "cache", "timings"] {
                #expect(entry[key] != nil, "entry \(index) lacks \(key)")
            }
            let started = try #require(entry["startedDateTime"] as? String)
            #expect(try Date(started, strategy: .iso8601) == TestPlans.createdAt)
            let request = try #require(entry["request"] as? [String: Any])
            for key in ["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"]
            {
                #expect(request[key] != nil, "request \(index) lacks \(key)")
            }
            #expect(request["method"] as? String == "PATCH")
            #expect(request["url"] as? String == urls[index])
            #expect(request["httpVersion"] as? String == "HTTP/1.1")
            let headers = try #require(request["headers"] as? [[String: String]])
            #expect(
                headers == [
                    ["name": "Authorization", "value": "Bearer ${AUTH0_TOKEN}"],
                    ["name": "Content-Type", "value": "application/json"],
                    ["name": "X-Correlation-ID", "value": ids[index]],
                ])
            let postData = try #require(request["postData"] as? [String: Any])
            #expect(postData["mimeType"] as? String == "application/json")
            #expect(postData["text"] as? String == bodies[index])
            #expect(request["bodySize"] as? Int == bodies[index].utf8.count)
            let response = try #require(entry["response"] as? [String: Any])
            for key in [
                "status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize",
                "bodySize",
            ] {
                #expect(response[key] != nil, "response \(index) lacks \(key)")
            }
            let content = try #require(response["content"] as? [String: Any])
            #expect(content["size"] != nil && content["mimeType"] != nil)
            let timings = try #require(entry["timings"] as? [String: Any])
            for key in ["send", "wait", "receive"] {
                #expect(timings[key] as? Int == 0)
            }
        }
    }

    /// The whole HAR document as one `JSONEncoder` value: what `EmitHAR` writes entry by entry.
    struct HARDocument: Encodable {
        struct Log: Encodable {
            var version = "1.2"
            var creator: EmitHAR.Creator
            var comment: String
            var entries: [EmitHAR.Entry]
        }
        var log: Log
    }

    @Test("HAR written entry by entry is byte for byte JSONEncoder's whole document", arguments: [1, 3])
    func harStreamedEqualsWhole(count: Int) throws {
        let plan = TestPlans.plan(Array(self.plan.operations.prefix(count)))
        let file = try #require(try Emitter.render(plan, options: EmitOptions(format: .har)).first)
        let requests = Array(try EmittedRequests(plan))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let entries = requests.map { request in
            EmitHAR.Entry(
                startedDateTime: formatter.string(from: plan.producer.createdAt),
                request: EmitHAR.Request(
                    method: "PATCH", url: "https://YOUR_TENANT.auth0.com" + request.path,
                    headers: [
                        EmitHAR.NameValue(name: "Authorization", value: "Bearer ${AUTH0_TOKEN}"),
                        EmitHAR.NameValue(name: "Content-Type", value: "application/json"),
                        EmitHAR.NameValue(name: "X-Correlation-ID", value: request.operationID),
                    ],
                    postData: EmitHAR.PostData(text: request.body), bodySize: request.body.utf8.count),
                comment: "\(request.operationID) \(request.action.rawValue) \(request.userID)")
        }
        let document = HARDocument(
            log: .init(
                creator: .init(name: "mfa-rollout", version: MFARolloutInfo.version),
                comment: "mfa-rollout emit: plan \(plan.fingerprint), batch 1 of 1, operations 1-\(count) of \(count)",
                entries: entries))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let whole = Array(try encoder.encode(document)) + [UInt8(ascii: "\n")]
        #expect(String(decoding: file.bytes, as: UTF8.self) == String(decoding: whole, as: UTF8.self))
    }

    @Test(
        "A large file is handed over in pieces of about 64 KiB that add up to the file", arguments: EmitFormat.allCases)
    func streamedInPieces(format: EmitFormat) throws {
        let plan = TestPlans.plan((0..<1_500).map { TestPlans.operation("auth0|user-\($0)") })
        let file = try #require(try Emitter.render(plan, options: EmitOptions(format: format)).first)
        var pieces: [[UInt8]] = []
        try file.write { pieces.append($0) }
        #expect(pieces.count > 1)
        #expect(
            pieces.dropLast().allSatisfy { $0.count >= 64 * 1024 && $0.count < 80 * 1024 }, "\(pieces.map(\.count))")
        #expect(Array(pieces.joined()) == file.bytes)
        // Every operation is in it once, in order.
        let text = String(decoding: file.bytes, as: UTF8.self)
        var position = text.startIndex
        for operation in plan.operations {
            let found = try #require(text.range(of: operation.id, range: position..<text.endIndex), "\(operation.id)")
            position = found.upperBound
        }
    }

    @Test("HAR without --domain names the placeholder tenant")
    func harPlaceholder() throws {
        let text = String(decoding: try render(EmitOptions(format: .har))[0].bytes, as: UTF8.self)
        #expect(text.contains("\"https://YOUR_TENANT.auth0.com/api/v2/users/auth0%7Ca%2Fb\""))
    }

    @Test("curl: the whole script, every value single-quoted, the token only from the environment")
    func curlExact() throws {
        let endpoint = try ManagementEndpoint(domain: "acme.eu.auth0.com")
        let files = try render(EmitOptions(format: .curl, endpoint: endpoint, rate: 2))
        #expect(files.map(\.name) == ["ops-0001.sh"])
        let script = String(decoding: files[0].bytes, as: UTF8.self)
        func block(_ n: Int, _ who: String, _ action: String, _ body: String, _ path: String) -> String {
            """
            printf '%s\\n' '[\(n)/3] \(ids[n - 1]) \(action) \(who)' >&2
            printf 'header = "Authorization: Bearer %s"\\n' "$AUTH0_TOKEN" |
              curl --fail-with-body -sS -X PATCH --retry 3 --config - -w '\\n' \\
                -H 'Content-Type: application/json' \\
                -H 'X-Correlation-ID: \(ids[n - 1])' \\
                --data-binary '\(body)' \\
                'https://acme.eu.auth0.com/api/v2/users/\(path)' ||
              mfa_rollout_failed '\(n)/3' '\(ids[n - 1])'
            """
        }
        let expected = """
            #!/bin/sh
            # mfa-rollout emit: plan \(plan.fingerprint), batch 1 of 1, operations 1-3 of 3
            # 3 PATCH request(s) to https://acme.eu.auth0.com/api/v2/users/…, at most 2 a second
            # (groups of 2, then sleep 1).
            # Needs AUTH0_TOKEN: a Management API token with scope update:users_app_metadata
            # (update:users for user_metadata). It is never written to this file or a command line.
            # Re-running is harmless: each request sets the flag to a fixed value.
            set -eu

            if [ -z "${AUTH0_TOKEN:-}" ]; then
              printf '%s\\n' 'mfa-rollout batch 1/1: AUTH0_TOKEN is not set; export a Management API token first (nothing was sent)' >&2
              exit 1
            fi
            case "$AUTH0_TOKEN" in
              *[!A-Za-z0-9._~+/=-]*)
                printf '%s\\n' 'mfa-rollout batch 1/1: AUTH0_TOKEN holds characters a bearer token cannot have (nothing was sent)' >&2
                exit 1 ;;
            esac
            if ! command -v curl >/dev/null 2>&1; then
              printf '%s\\n' 'mfa-rollout batch 1/1: curl is not installed (nothing was sent)' >&2
              exit 1
            fi

            mfa_rollout_failed() {
              printf 'mfa-rollout %s: operation %s (%s) failed; the operations before it were sent. Fix the cause and re-run this file.\\n' 'batch 1/1' "$1" "$2" >&2
              exit 1
            }

            \(block(1, "samlp|conn|a@b.com", "enable", #"{"app_metadata":{"use_mfa":true}}"#, "samlp%7Cconn%7Ca%40b.com"))
            \(block(2, "auth0|a/b", "enable", #"{"app_metadata":{"use_mfa":true}}"#, "auth0%7Ca%2Fb"))
            sleep 1
            \(block(3, "/api/v2/users/auth0%7Cit%27s%20%22quoted%22%20%24x", "disable", #"{"app_metadata":{"use_mfa":false}}"#, "auth0%7Cit%27s%20%22quoted%22%20%24x"))
            sleep 1
            printf '%s\\n' 'mfa-rollout batch 1/1: 3 request(s) sent' >&2

            """
        #expect(script == expected)
        #expect(!script.contains("Bearer ey"))
    }

    @Test("curl: the script parses with sh -n", .enabled(if: ExternalTool.available("sh"), "needs sh"))
    func curlParses() async throws {
        let sh = try #require(ExternalTool.path("sh"))
        let directory = try TestPlans.temporaryDirectory()
        let paths = try Emitter.write(render(EmitOptions(format: .curl)), format: .curl, into: directory)
        let result = try await runProcessAsync(sh, ["-n", paths[0]])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(
        "curl: with a stand-in curl, each call gets the exact URL, body and header, and the token only on standard input",
        .enabled(if: ExternalTool.available("sh"), "needs sh"))
    func curlArguments() async throws {
        let sh = try #require(ExternalTool.path("sh"))
        let directory = try TestPlans.temporaryDirectory()
        let bin = directory + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // Records each call: its arguments one a line, then what it read on standard input.
        let fake = """
            #!/bin/sh
            log="$FAKE_CURL_LOG"
            for argument in "$@"; do printf 'ARG %s\\n' "$argument" >> "$log"; done
            printf 'STDIN %s\\n' "$(cat)" >> "$log"
            printf 'END\\n' >> "$log"
            printf '{}'

            """
        try fake.write(toFile: bin + "/curl", atomically: true, encoding: .utf8)
        chmod(bin + "/curl", 0o755)
        let out = directory + "/out"
        let paths = try Emitter.write(render(EmitOptions(format: .curl, rate: 1000)), format: .curl, into: out)
        let log = directory + "/calls.log"
        let environment = [
            "PATH": bin + ":/usr/bin:/bin", "AUTH0_TOKEN": "eyJ.test-token_1", "FAKE_CURL_LOG": log,
        ]
        let result = try await runProcessAsync(sh, [paths[0]], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let calls = try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "END\n").filter {
            !$0.isEmpty
        }
        #expect(calls.count == 3)
        let paths3 = ["samlp%7Cconn%7Ca%40b.com", "auth0%7Ca%2Fb", "auth0%7Cit%27s%20%22quoted%22%20%24x"]
        for (index, call) in calls.enumerated() {
            let lines = call.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.contains("ARG https://YOUR_TENANT.auth0.com/api/v2/users/\(paths3[index])"))
            #expect(lines.contains("ARG X-Correlation-ID: \(ids[index])"))
            #expect(
                lines.contains(
                    "ARG \(index == 2 ? #"{"app_metadata":{"use_mfa":false}}"# : #"{"app_metadata":{"use_mfa":true}}"#)"
                ))
            #expect(lines.contains("STDIN header = \"Authorization: Bearer eyJ.test-token_1\""))
            #expect(!lines.contains { $0.hasPrefix("ARG") && $0.contains("test-token") })
        }
        // An id with quotes and `$` is named by its path: the script holds no such character from the data.
        #expect(result.stderr.contains("enable samlp|conn|a@b.com"))
        #expect(result.stderr.contains("disable /api/v2/users/auth0%7Cit%27s%20%22quoted%22%20%24x"))
    }

    @Test(
        "curl: without AUTH0_TOKEN the script stops before sending anything",
        .enabled(if: ExternalTool.available("sh"), "needs sh"))
    func curlNeedsToken() async throws {
        let sh = try #require(ExternalTool.path("sh"))
        let directory = try TestPlans.temporaryDirectory()
        let paths = try Emitter.write(render(EmitOptions(format: .curl)), format: .curl, into: directory)
        let result = try await runProcessAsync(sh, [paths[0]], environment: ["PATH": "/nonexistent"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("AUTH0_TOKEN is not set"))
    }

    @Test(
        "Pacing never exceeds the rate and uses whole-second sleeps",
        arguments: [
            (2.0, 2, 1), (1.0, 1, 1), (0.5, 1, 2), (0.3, 1, 4), (3.5, 3, 1), (200.0 / 60, 3, 1), (16.0, 16, 1),
        ])
    func pacing(rate: Double, group: Int, seconds: Int) {
        let pacing = EmitCurlScript.pacing(rate: rate)
        #expect(pacing.group == group && pacing.sleepSeconds == seconds)
        #expect(Double(pacing.group) / Double(pacing.sleepSeconds) <= rate)
    }

    @Test("Batches of N: ops-0001…, in order, 0644, and a directory with earlier batches is refused")
    func batching() throws {
        let ids = (1...5).map { "auth0|user\($0)" }
        let plan = TestPlans.plan(ids.map { TestPlans.operation($0) })
        let files = try Emitter.render(plan, options: EmitOptions(format: .ndjson, batchSize: 2))
        #expect(files.map(\.name) == ["ops-0001.ndjson", "ops-0002.ndjson", "ops-0003.ndjson"])
        #expect(files.map(\.operations) == [0..<2, 2..<4, 4..<5])
        let directory = try TestPlans.temporaryDirectory() + "/emit"
        let previous = umask(0o077)
        defer { umask(previous) }
        let paths = try Emitter.write(files, format: .ndjson, into: directory)
        var seen: [String] = []
        for path in paths {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o644)
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                seen.append(try #require(object["user_id"] as? String))
            }
        }
        #expect(seen == ids)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == files.map(\.name))
        #expect(throws: EmitError.outputNotEmpty(directory: directory, existing: "ops-0001.ndjson and 2 more")) {
            try Emitter.write(files, format: .ndjson, into: directory)
        }
        // Another format may share the directory.
        #expect(
            try Emitter.write(Emitter.render(plan, options: EmitOptions(format: .har)), format: .har, into: directory)
                .count == 1)
    }

    @Test("A plan whose guard tripped is refused, like apply")
    func refusesTrippedPlan() {
        let tripped = TestPlans.plan(
            [TestPlans.operation("auth0|1")], guards: [GuardCheck(kind: .maxChanges, limit: 0, actual: 1)])
        #expect(tripped.applicable == false)
        #expect(throws: EmitError.planNotApplicable(tripped: ["1 changes, limit 0 (max_changes): TRIPPED"])) {
            try Emitter.render(tripped, options: EmitOptions(format: .ndjson))
        }
    }

    @Test("An operation whose id was edited is refused (it would become a header and a shell word)")
    func refusesEditedOperation() {
        var operation = TestPlans.operation("auth0|1")
        operation.id = "op_x'; rm -rf ~; '"
        let edited = TestPlans.plan([operation])
        #expect(throws: EmitError.self) {
            try Emitter.render(edited, options: EmitOptions(format: .curl))
        }
    }

    @Test("An undo plan's unset becomes a null value: the key is deleted, nothing else")
    func unsetIsNull() throws {
        let plan = TestPlans.plan([TestPlans.operation("auth0|1", .unset, current: .on)])
        let line = String(
            decoding: try Emitter.render(plan, options: EmitOptions(format: .ndjson))[0].bytes, as: UTF8.self)
        #expect(line.contains(#""action":"unset","body":{"app_metadata":{"use_mfa":null}}"#))
    }

    @Test("A plan without operations emits no files")
    func emptyPlan() throws {
        #expect(try Emitter.render(TestPlans.plan([]), options: EmitOptions(format: .har)).isEmpty)
    }

    @Test("Bad batch size and rate are refused")
    func badOptions() {
        #expect(throws: EmitError.self) {
            try Emitter.render(plan, options: EmitOptions(format: .ndjson, batchSize: 0))
        }
        #expect(throws: EmitError.self) { try Emitter.render(plan, options: EmitOptions(format: .curl, rate: 0)) }
    }
}
