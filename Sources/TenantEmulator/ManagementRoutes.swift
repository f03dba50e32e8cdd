import Hummingbird

/// The emulated Management API under `/api/v2`.
enum ManagementRoutes {
    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        let api = router.group("/api/v2")

        api.get("/users/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            let id = try request.decodedParameter("id", context: context)
            guard let user = await tenant.store.user(id: id) else { throw Auth0ErrorBody.inexistentUser }
            return Response.json(user.json)
        }

        api.patch("/users/:id") { request, context in
            let scopes = try await tenant.authorize(request, anyOf: ["update:users", "update:users_app_metadata"])
            let id = try request.decodedParameter("id", context: context)
            var request = request
            let patch: UserPatch
            do {
                patch = try UserPatch(body: try await request.jsonBody())
            } catch let invalid as UserPatch.Invalid {
                throw Auth0ErrorBody.badRequest(invalid.message)
            }
            if !scopes.contains("update:users"), patch.touchedFields != ["app_metadata"] {
                throw Auth0ErrorBody.insufficientScope(["update:users"])
            }
            guard let result = await tenant.store.patch(id: id, with: patch) else {
                throw Auth0ErrorBody.inexistentUser
            }
            context.notes.changed = result.changed
            return Response.json(result.user.json)
        }

        api.get("/users/:id/enrollments") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            let id = try request.decodedParameter("id", context: context)
            guard await tenant.store.user(id: id) != nil else { throw Auth0ErrorBody.inexistentUser }
            return Response.json(.array(await tenant.enrollments.enrollments(userID: id)))
        }

        api.post("/jobs/users-exports") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            var request = request
            let job = try await tenant.jobs.create(body: try await request.jsonBody())
            return Response.json(job, status: .created)
        }

        api.get("/jobs/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users"])
            let id = try request.decodedParameter("id", context: context)
            guard let job = try await tenant.jobs.status(id: id, baseURL: tenant.baseURL(for: request)) else {
                throw Auth0ErrorBody(status: .notFound, message: "The job does not exist.", errorCode: "inexistent_job")
            }
            return Response.json(job)
        }

        api.post("/guardian/enrollments/ticket") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["create:guardian_enrollment_tickets"])
            var request = request
            let ticket = try Enrollments.validate(try await request.jsonBody())
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
        router.get("/__downloads/:job/:file") { request, context in
            let job = try context.parameters.require("job")
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".csv.gz") else { throw Auth0ErrorBody.notFound }
            switch await tenant.jobs.download(jobID: job, token: String(file.dropLast(".csv.gz".count))) {
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
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return Response(status: status, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}
