import Hummingbird

/// The emulated Management API under `/api/v2`: every body, query and header the spec describes
/// is checked against the operation's table (``UpdateUserRequest``, ``ExportJobRequest``,
/// ``TicketRequest``, ``UserAnswer/query``, ``CustomDomainHeader``) before anything is done,
/// after the token and its scopes.
enum ManagementRoutes {
    /// Every Management API operation the emulator serves, as Auth0's spec names its paths
    /// (under `/api/v2`). A test holds this list equal to the vendored spec subset's operations.
    static let operations: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/users/{id}"),
        (.patch, "/users/{id}"),
        (.get, "/users/{id}/enrollments"),
        (.post, "/jobs/users-exports"),
        (.get, "/jobs/{id}"),
        (.post, "/guardian/enrollments/ticket"),
    ]

    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        let api = router.group("/api/v2")

        api.getAndHead("/users/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            let id = try request.decodedParameter("id", context: context)
            let query = try request.query(checkedAgainst: UserAnswer.query)
            guard let user = await tenant.store.user(id: id) else { throw Auth0ErrorBody.inexistentUser }
            return Response.json(UserAnswer.json(user, query: query))
        }

        api.patch("/users/:id") { request, context in
            let scopes = try await tenant.authorize(request, anyOf: ["update:users", "update:users_app_metadata"])
            let id = try request.decodedParameter("id", context: context)
            try CustomDomainHeader.check(request)
            var request = request
            let (touched, patch) = try UpdateUserRequest.patch(
                from: try await request.content(typedBy: UpdateUserRequest.schema))
            if !scopes.contains("update:users"), touched != ["app_metadata"] {
                throw Auth0ErrorBody.insufficientScope(["update:users"])
            }
            guard let result = await tenant.store.patch(id: id, with: patch) else {
                throw Auth0ErrorBody.inexistentUser
            }
            context.notes.changed = result.changed
            return Response.json(UserAnswer.json(result.user))
        }

        api.getAndHead("/users/:id/enrollments") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            let id = try request.decodedParameter("id", context: context)
            guard await tenant.store.user(id: id) != nil else { throw Auth0ErrorBody.inexistentUser }
            return Response.json(.array(await tenant.enrollments.enrollments(userID: id)))
        }

        // Auth0 answers 201 here, where its spec says 200 (a listed exception).
        api.post("/jobs/users-exports") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            var request = request
            let job = try ExportJobRequest(body: try await request.content(typedBy: ExportJobRequest.schema))
            return Response.json(await tenant.jobs.create(job), status: .created)
        }

        api.getAndHead("/jobs/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            let id = try request.decodedParameter("id", context: context)
            guard let job = try await tenant.jobs.status(id: id, baseURL: tenant.baseURL(for: request)) else {
                throw Auth0ErrorBody(status: .notFound, message: "The job does not exist.", errorCode: "inexistent_job")
            }
            return Response.json(job)
        }

        api.post("/guardian/enrollments/ticket") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["create:guardian_enrollment_tickets"])
            try CustomDomainHeader.check(request)
            var request = request
            let ticket = try TicketRequest(body: try await request.content(typedBy: TicketRequest.schema))
            guard await tenant.store.user(id: ticket.userID) != nil else { throw Auth0ErrorBody.inexistentUser }
            let (id, secret) = await tenant.enrollments.createTicket(
                userID: ticket.userID,
                email: ticket.email,
                sendMail: ticket.sendMail,
                factor: ticket.factor
            )
            return Response.json([
                "ticket_id": .string(id),
                "ticket_url": .string("\(tenant.baseURL(for: request))/mfa/enrollment?ticket=\(secret)"),
            ])
        }

        // The signed export link (on Auth0, an S3 URL): expired links answer S3's 403.
        router.getAndHead("/__downloads/:job/:file") { request, context in
            let job = try context.parameters.require("job")
            let file = try context.parameters.require("file")
            switch await tenant.jobs.download(jobID: job, file: file) {
            case .file(let bytes):
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/gzip"],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes))
                )
            case .expired:
                return s3Error(.forbidden, code: "AccessDenied", message: "Request has expired")
            case .notFound:
                return s3Error(.notFound, code: "NoSuchKey", message: "The specified key does not exist.")
            }
        }
    }

    private static func s3Error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return Response(
            status: status, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: xml))
        )
    }
}
