import Foundation

/// Users-export jobs: pending → processing → completed over ``EmulatorConfiguration/exportDelay``
/// seconds, then a download link that expires after ``EmulatorConfiguration/downloadLinkTTL``.
actor ExportJobs {
    struct Job: Sendable {
        let id: String
        let createdAt: Double
        let fields: [ExportFile.Field]
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
    static let defaultFields: [ExportFile.Field] = ["user_id", "email", "name", "created_at", "updated_at", "last_login", "logins_count"]
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

    /// Validates the body of `POST /api/v2/jobs/users-exports` and creates the job.
    func create(body: JSONValue) throws(Auth0ErrorBody) -> JSONValue {
        guard case .object(let members) = body else {
            throw .badRequest("Payload validation error: 'Expected type object but found type \(body.typeName)'.")
        }
        if let format = members["format"], format != "csv" {
            throw .badRequest("Payload validation error: 'No enum match for: \(format.encodedText)' on property format (The format of the file. Only csv is emulated).")
        }
        var fields = Self.defaultFields
        if let requested = members["fields"] {
            guard case .array(let items) = requested, !items.isEmpty else {
                throw .badRequest("Payload validation error: 'Expected type array with at least 1 item' on property fields.")
            }
            guard items.count <= Self.maximumFields else {
                throw .badRequest("Payload validation error: 'Array is too long (\(items.count)), maximum \(Self.maximumFields)' on property fields.")
            }
            fields = try items.map { item throws(Auth0ErrorBody) in
                guard let name = item["name"]?.stringValue, !name.isEmpty else {
                    throw .badRequest("Payload validation error: 'Missing required property: name' on property fields.")
                }
                return ExportFile.Field(name: name, exportAs: item["export_as"]?.stringValue)
            }
        }
        var limit: Int?
        if let value = members["limit"] {
            guard case .int(let number) = value, number >= 1 else {
                throw .badRequest("Payload validation error: 'Expected type integer, at least 1' on property limit.")
            }
            limit = number
        }
        let job = Job(
            id: "job_" + RandomToken.alphanumeric(16),
            createdAt: clock.now(),
            fields: fields,
            limit: limit,
            connectionID: members["connection_id"]?.stringValue
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
            return describe(job, status: "processing", extra: ["percentage_done": .int(done), "time_left_seconds": .int(left)])
        }
        if job.file == nil {
            var users = await store.allUsers()
            if let limit = job.limit { users = Array(users.prefix(limit)) }
            let file = try ExportFile.gzip(users: users, fields: job.fields)
            job = jobs[id] ?? job
            if job.file == nil { job.file = file }
        }
        let token = RandomToken.alphanumeric(32)
        job.links[token] = clock.now() + linkTTL
        jobs[id] = job
        return describe(job, status: "completed", extra: [
            "percentage_done": 100,
            "time_left_seconds": 0,
            "location": .string("\(baseURL)/__downloads/\(id)/\(token).csv.gz"),
        ])
    }

    /// The file behind a link, if the link exists and has not expired.
    func download(jobID: String, token: String) -> Download {
        guard let job = jobs[jobID], let file = job.file, let expiry = job.links[token] else { return .notFound }
        return clock.now() < expiry ? .file(file) : .expired
    }

    private func describe(_ job: Job, status: String, extra: [String: JSONValue]) -> JSONValue {
        var body: [String: JSONValue] = [
            "type": "users_export",
            "status": .string(status),
            "format": "csv",
            "fields": .array(job.fields.map { field in
                var member: [String: JSONValue] = ["name": .string(field.name)]
                if let exportAs = field.exportAs { member["export_as"] = .string(exportAs) }
                return .object(member)
            }),
            "created_at": .string(Timestamp.iso8601(job.createdAt)),
            "id": .string(job.id),
        ]
        if let limit = job.limit { body["limit"] = .int(limit) }
        if let connectionID = job.connectionID {
            body["connection_id"] = .string(connectionID)
            body["connection"] = .string(connectionID)
        }
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
