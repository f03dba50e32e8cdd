import Foundation

/// Users-export jobs: pending → processing → completed over ``EmulatorConfiguration/exportDelay``
/// seconds, then a download link that expires after ``EmulatorConfiguration/downloadLinkTTL``.
actor ExportJobs {
    struct Job: Sendable {
        let id: String
        let createdAt: Double
        let fields: [ExportFile.Field]
        let format: ExportJobRequest.Format
        let limit: Int?
        let connectionID: String?
        /// The gzip file, made from the users as they are when the job is first seen completed.
        var file: [UInt8]?
        /// Download token → expiry (UNIX seconds).
        var links: [String: Double] = [:]
    }

    enum Download: Sendable, Equatable {
        case file([UInt8])
        case expired
        case notFound
    }

    /// Auth0 refuses more than 30 fields.
    static let maximumFields = 30
    /// Fields exported when the request names none.
    static let defaultFields: [ExportFile.Field] = [
        "user_id", "email", "name", "created_at", "updated_at", "last_login", "logins_count",
    ]
    .map { ExportFile.Field(name: $0) }

    private var jobs: [String: Job] = [:]
    private let store: TenantStore
    private let clock: any EmulatorClock
    private let delay: Double
    private let linkTTL: Double

    init(store: TenantStore, clock: any EmulatorClock, delay: Double, linkTTL: Double) {
        self.store = store
        self.clock = clock
        self.delay = delay
        self.linkTTL = linkTTL
    }

    /// Creates the job a checked request asks for; answers it as Auth0 does.
    func create(_ request: ExportJobRequest) -> JSONValue {
        let job = Job(
            id: "job_" + RandomToken.alphanumeric(16),
            createdAt: clock.now(),
            fields: request.fields,
            format: request.format,
            limit: request.limit,
            connectionID: request.connectionID
        )
        jobs[job.id] = job
        return describe(job, status: "pending", extra: [:])
    }

    /// The job as `GET /api/v2/jobs/{id}` answers it; nil for an unknown id. When the job is
    /// completed, `location` is a fresh link under `baseURL`.
    func status(id: String, baseURL: String) async throws -> JSONValue? {
        guard var job = jobs[id] else { return nil }
        let elapsed = clock.now() - job.createdAt
        if elapsed < delay / 3 {
            return describe(job, status: "pending", extra: [:])
        }
        if elapsed < delay {
            let done = Int((elapsed / delay * 100).rounded(.down))
            let left = Int((delay - elapsed).rounded(.up))
            return describe(
                job, status: "processing", extra: ["percentage_done": .int(done), "time_left_seconds": .int(left)])
        }
        if job.file == nil {
            let table = await store.snapshot()
            let count = min(job.limit ?? table.count, table.count)
            let users = (0..<count).lazy.map { table.user(at: $0) }
            let file = try ExportFile.gzip(users: users, fields: job.fields, format: job.format)
            job = jobs[id] ?? job
            if job.file == nil { job.file = file }
        }
        let token = RandomToken.alphanumeric(32)
        job.links[token] = clock.now() + linkTTL
        jobs[id] = job
        return describe(
            job, status: "completed",
            extra: [
                "percentage_done": 100,
                "time_left_seconds": 0,
                "location": .string("\(baseURL)/__downloads/\(id)/\(token).\(job.format.rawValue).gz"),
            ])
    }

    /// The file behind a link, if the link exists and has not expired.
    func download(jobID: String, file name: String) -> Download {
        guard let job = jobs[jobID], let file = job.file, name.hasSuffix(".\(job.format.rawValue).gz"),
            let expiry = job.links[String(name.dropLast(".\(job.format.rawValue).gz".count))]
        else { return .notFound }
        return clock.now() < expiry ? .file(file) : .expired
    }

    private func describe(_ job: Job, status: String, extra: [String: JSONValue]) -> JSONValue {
        var body: [String: JSONValue] = [
            "type": "users_export",
            "status": .string(status),
            "format": .string(job.format.rawValue),
            "fields": .array(
                job.fields.map { field in
                    var member: [String: JSONValue] = ["name": .string(field.name)]
                    if let exportAs = field.exportAs { member["export_as"] = .string(exportAs) }
                    return .object(member)
                }),
            "created_at": .string(Timestamp.iso8601(job.createdAt)),
            "id": .string(job.id),
        ]
        if let limit = job.limit { body["limit"] = .int(limit) }
        // The emulator has no connections: the id is echoed as the name, and an export of every
        // connection is named by the empty string (Auth0 always answers `connection`).
        body["connection"] = .string(job.connectionID ?? "")
        if let connectionID = job.connectionID { body["connection_id"] = .string(connectionID) }
        body.merge(extra) { _, new in new }
        return .object(body)
    }
}

/// Opaque random identifiers: tokens, job ids, ticket ids.
enum RandomToken {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func alphanumeric(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

extension JSONValue {
    /// The value as compact JSON text.
    var encodedText: String { String(decoding: encoded(), as: UTF8.self) }
}
