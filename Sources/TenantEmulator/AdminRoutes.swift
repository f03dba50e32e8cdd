import Foundation
import Hummingbird

/// mfa-rollout's own surface under `/__emulator/`: no token, no rate limit, not logged.
///
/// - `GET /__emulator/users`: every user, as `GET /api/v2/users/{id}` returns it.
/// - `POST /__emulator/users`: a user object or an array of them, each with `user_id`; adds or
///   replaces them whole, or with `?mode=patch` applies them as a PATCH (merge rules, `updated_at`
///   moves) to existing users. Answers the resulting users.
/// - `GET /__emulator/requests`, `DELETE /__emulator/requests`: the request log.
/// - `GET /__emulator/tickets`: enrollment tickets issued (`user_id`, `send_mail`, `factor`, …).
/// - `POST /__emulator/enrollments`: `{"user_id": …, "type": "otp"}` records a confirmed
///   enrollment of an existing user, as if they had enrolled a factor; the user's
///   `multifactor` becomes `["guardian"]`.
/// - `POST /__emulator/tickets/{ticket_id}/confirm`: the ticket's user enrolls with it (its
///   pending enrollment is confirmed, `multifactor` becomes `["guardian"]`); 404 for an unknown
///   or already used ticket.
enum AdminRoutes {
    static func isAdmin(_ path: String) -> Bool {
        path == "/__emulator" || path.hasPrefix("/__emulator/")
    }

    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        let admin = router.group("/__emulator")

        admin.get("/users") { _, _ in
            Response.json(.array(await tenant.store.allUsers().map(\.json)))
        }

        admin.post("/users") { request, _ in
            var request = request
            let body = try await request.jsonBody()
            let items: [JSONValue]
            switch body {
            case .array(let array): items = array
            case .object: items = [body]
            default: throw Auth0ErrorBody.badRequest("Expected a user object or an array of user objects.")
            }
            let patching = request.uri.queryParameters["mode"] == "patch"
            var result: [JSONValue] = []
            for item in items {
                guard case .object(var fields) = item, let id = fields["user_id"]?.stringValue, !id.isEmpty else {
                    throw Auth0ErrorBody.badRequest("Every user needs a string user_id.")
                }
                if patching {
                    fields["user_id"] = nil
                    let patch: UserPatch
                    do {
                        patch = try UserPatch(body: .object(fields))
                    } catch let invalid as UserPatch.Invalid {
                        throw Auth0ErrorBody.badRequest(invalid.message)
                    }
                    guard let patched = await tenant.store.patch(id: id, with: patch) else {
                        throw Auth0ErrorBody.inexistentUser
                    }
                    result.append(patched.user.json)
                } else {
                    let user = User(fields: fields)
                    await tenant.store.put(user)
                    result.append(user.json)
                }
            }
            return Response.json(.array(result))
        }

        admin.get("/requests") { _, _ in
            let entries = await tenant.store.requests()
            let data = try JSONEncoder().encode(entries)
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data))
            )
        }

        admin.delete("/requests") { _, _ in
            await tenant.store.clearRequests()
            return Response(status: .noContent)
        }

        admin.get("/tickets") { _, _ in
            Response.json(.array(await tenant.enrollments.allTickets().map(\.json)))
        }

        admin.post("/enrollments") { request, _ in
            var request = request
            guard case .object(let fields) = try await request.jsonBody(), let id = fields["user_id"]?.stringValue
            else {
                throw Auth0ErrorBody.badRequest("Expected {\"user_id\": …, \"type\": …}.")
            }
            guard await tenant.store.user(id: id) != nil else { throw Auth0ErrorBody.inexistentUser }
            let type = fields["type"]?.stringValue ?? "otp"
            let enrollment = await tenant.enrollments.addConfirmed(userID: id, type: type)
            await tenant.markEnrolled(userID: id)
            return Response.json(enrollment)
        }

        admin.post("/tickets/:id/confirm") { _, context in
            let id = try context.parameters.require("id")
            guard let ticket = await tenant.enrollments.confirm(ticketID: id) else {
                throw Auth0ErrorBody(
                    status: .notFound, message: "No unused ticket \(id).", errorCode: "inexistent_ticket")
            }
            await tenant.markEnrolled(userID: ticket.userID)
            return Response.json(ticket.json)
        }
    }
}
