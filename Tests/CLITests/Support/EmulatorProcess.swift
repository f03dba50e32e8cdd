import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One user as the emulator's admin surface shows it.
struct EmulatedUser: Sendable {
    var id: String
    /// "true", "false" or "absent".
    var flag: String
}

/// `mfa-rollout emulator` as a separate process on a free port.
final class EmulatorProcess: Sendable {
    let process: Process
    let port: Int

    var domain: String { "127.0.0.1:\(port)" }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    enum Failure: Error { case noURL(String) }

    static func start(_ arguments: [String]) async throws -> EmulatorProcess {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["emulator", "--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"http://[0-9.]+:(\d+)"#, options: .regularExpression),
                let port = Int(seen[range].split(separator: ":").last ?? "")
            {
                return EmulatorProcess(process: process, port: port)
            }
        }
        process.terminate()
        throw Failure.noURL(seen)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func get(_ path: String) async throws -> Any {
        let (data, _) = try await URLSession.shared.data(from: URL(string: baseURL + path)!)
        return try JSONSerialization.jsonObject(with: data)
    }

    func users() async throws -> [EmulatedUser] {
        let list = try await get("/__emulator/users") as? [[String: Any]] ?? []
        return list.map { user in
            let flag = (user["app_metadata"] as? [String: Any])?["use_mfa"] as? Bool
            return EmulatedUser(
                id: user["user_id"] as? String ?? "", flag: flag.map { $0 ? "true" : "false" } ?? "absent")
        }
    }

    /// The request log: method, path, status, changed, correlation_id, dropped.
    func requests() async throws -> [[String: Any]] {
        try await get("/__emulator/requests") as? [[String: Any]] ?? []
    }

    /// A fresh token for this secret (fetched here, so a test knows its text).
    func tokensIssued(secret: String) async throws -> [String] {
        var request = URLRequest(url: URL(string: baseURL + "/oauth/token")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "grant_type": "client_credentials", "client_id": "emulator-client", "client_secret": secret,
            "audience": baseURL + "/api/v2/",
        ])
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return [object?["access_token"] as? String].compactMap { $0 }
    }
}
