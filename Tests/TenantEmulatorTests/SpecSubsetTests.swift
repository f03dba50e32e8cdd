import Foundation
import Testing

@testable import TenantEmulator

/// Holds the emulator's schema tables and routes equal to the vendored subset of Auth0's
/// OpenAPI description (`scripts/conformance/spec/`), with the listed exceptions applied, so
/// that the tables and the spec the conformance check runs cannot drift apart.
@Suite("The emulator's tables match the vendored Auth0 spec subset")
struct SpecSubsetTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/conformance/spec")

    static func load(_ name: String) throws -> JSONValue {
        try JSONValue.decode(Array(try Data(contentsOf: directory.appendingPathComponent(name))))
    }

    /// The subset with every exception's patch applied: the spec the conformance check runs.
    static func effectiveSpec() throws -> JSONValue {
        var spec = try load("management-api-subset.json")
        for exception in try load("exceptions.json")["exceptions"]?.arrayValue ?? [] {
            spec = try JSONPatch.apply(exception["patch"]?.arrayValue ?? [], to: spec)
        }
        return spec
    }

    static func schema(_ name: String, in spec: JSONValue) throws -> JSONValue {
        try #require(spec["components"]?["schemas"]?[name], "no schema \(name) in the spec")
    }

    /// Follows `$ref`s to `#/components/schemas/…`.
    static func resolved(_ schema: JSONValue, in spec: JSONValue) -> JSONValue {
        var current = schema
        while let reference = current["$ref"]?.stringValue {
            guard let target = JSONPatch.value(at: String(reference.dropFirst()), in: spec) else { return current }
            current = target
        }
        return current
    }

    static func types(_ schema: JSONValue) -> Set<JSONType> {
        switch schema["type"] {
        case .string(let name)?: Set([JSONType(rawValue: name)].compactMap { $0 })
        case .array(let names)?: Set(names.compactMap { $0.stringValue.flatMap(JSONType.init(rawValue:)) })
        default: []
        }
    }

    /// Every difference between a table and the spec's schema, as readable lines.
    static func differences(_ table: ObjectSchema, _ spec: JSONValue, in document: JSONValue, path: String) -> [String]
    {
        var found: [String] = []
        let names = Set(spec["properties"]?.objectValue?.keys ?? [:].keys)
        let tableNames = Set(table.properties.map(\.name))
        if names != tableNames {
            found.append("\(path): properties \(tableNames.sorted()) in the table, \(names.sorted()) in the spec")
        }
        let additional = spec["additionalProperties"]?.boolValue ?? true
        if additional != table.additionalProperties {
            found.append(
                "\(path): additionalProperties \(table.additionalProperties) in the table, \(additional) in the spec")
        }
        let required = spec["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if Set(required) != Set(table.required) { found.append("\(path): required \(table.required) vs \(required)") }
        if spec["minProperties"]?.numberValue.map(Int.init) != table.minProperties {
            found.append(
                "\(path): minProperties \(String(describing: table.minProperties)) vs \(String(describing: spec["minProperties"]))"
            )
        }
        for (name, property) in table.properties {
            guard let raw = spec["properties"]?[name] else { continue }
            let schema = resolved(raw, in: document)
            let at = "\(path).\(name)"
            if types(schema) != property.types { found.append("\(at): types \(property.types) vs \(types(schema))") }
            if schema["pattern"]?.stringValue != property.pattern { found.append("\(at): pattern") }
            if schema["format"]?.stringValue != property.format { found.append("\(at): format") }
            if schema["minLength"]?.numberValue.map(Int.init) != property.minLength { found.append("\(at): minLength") }
            if schema["maxLength"]?.numberValue.map(Int.init) != property.maxLength { found.append("\(at): maxLength") }
            if schema["minimum"]?.numberValue.map(Int.init) != property.minimum { found.append("\(at): minimum") }
            if schema["maxItems"]?.numberValue.map(Int.init) != property.maxItems { found.append("\(at): maxItems") }
            if schema["enum"]?.arrayValue?.compactMap(\.stringValue).sorted() != property.allowed?.sorted() {
                found.append("\(at): enum")
            }
            let items = schema["items"].map { resolved($0, in: document) }
            switch (items, property.items) {
            case (let items?, let table?) where types(items) == [.object]:
                found += differences(table, items, in: document, path: at + "[]")
            case (nil, nil):
                break
            case (let items?, nil) where types(items) != [.object]:
                break
            default:
                found.append("\(at): items")
            }
        }
        return found
    }

    @Test("The routes serve exactly the subset's operations")
    func operations() throws {
        let spec = try Self.effectiveSpec()
        var inSpec: Set<String> = []
        for (path, methods) in spec["paths"]?.objectValue ?? [:] {
            for method in methods.objectValue?.keys ?? [:].keys { inSpec.insert("\(method.uppercased()) \(path)") }
        }
        let served = Set(
            (ManagementRoutes.operations + MembershipRoutes.operations).map { "\($0.method.rawValue) \($0.path)" })
        #expect(served == inSpec)
    }

    static let bodyTables = [
        UpdateUserRequest.schema, ExportJobRequest.schema, TicketRequest.schema, ExportJobRequest.fieldSchema,
        MembershipRequests.createRole, MembershipRequests.assignRoleUsers, MembershipRequests.createOrganization,
        MembershipRequests.createMembers, MembershipRequests.connectionForOrganization,
    ]

    @Test("Each body table matches its schema", arguments: bodyTables.map(\.specName))
    func bodies(name: String) throws {
        let table = try #require(Self.bodyTables.first { $0.specName == name })
        let spec = try Self.effectiveSpec()
        let schema = try Self.schema(table.specName, in: spec)
        #expect(Self.differences(table, schema, in: spec, path: table.specName) == [])
    }

    @Test("Each body table is the JSON body of its operation")
    func bodyReferences() throws {
        let spec = try Self.effectiveSpec()
        for (pointer, table) in [
            ("/paths/~1users~1{id}/patch", UpdateUserRequest.schema),
            ("/paths/~1jobs~1users-exports/post", ExportJobRequest.schema),
            ("/paths/~1guardian~1enrollments~1ticket/post", TicketRequest.schema),
        ] {
            let reference = JSONPatch.value(
                at: pointer + "/requestBody/content/application~1json/schema/$ref", in: spec)
            #expect(reference == .string("#/components/schemas/\(table.specName)"))
            let form = JSONPatch.value(
                at: pointer + "/requestBody/content/application~1x-www-form-urlencoded", in: spec)
            #expect(form != nil, "\(pointer) takes form bodies")
        }
    }

    @Test("GET user's query table matches the operation's query parameters")
    func query() throws {
        let spec = try Self.effectiveSpec()
        let parameters = try #require(JSONPatch.value(at: "/paths/~1users~1{id}/get/parameters", in: spec)?.arrayValue)
        var properties: [String: JSONValue] = [:]
        for parameter in parameters where parameter["in"] == "query" {
            properties[parameter["name"]?.stringValue ?? ""] = parameter["schema"]
        }
        let asSchema: JSONValue = ["properties": .object(properties), "additionalProperties": true]
        #expect(
            try #require(JSONPatch.value(at: "/paths/~1users~1{id}/get/operationId", in: spec))
                == .string(UserAnswer.query.specName))
        #expect(Self.differences(UserAnswer.query, asSchema, in: spec, path: "get_users_by_id") == [])
    }

    @Test("The header table matches the header parameters of the operations that take one")
    func headers() throws {
        let spec = try Self.effectiveSpec()
        var taking: [String] = []
        for (path, methods) in spec["paths"]?.objectValue ?? [:] {
            for (method, operation) in methods.objectValue ?? [:] {
                var properties: [String: JSONValue] = [:]
                for parameter in operation["parameters"]?.arrayValue ?? [] where parameter["in"] == "header" {
                    properties[parameter["name"]?.stringValue ?? ""] = parameter["schema"]
                }
                guard !properties.isEmpty else { continue }
                taking.append("\(method.uppercased()) \(path)")
                let asSchema: JSONValue = ["properties": .object(properties), "additionalProperties": true]
                #expect(
                    Self.differences(CustomDomainHeader.schema, asSchema, in: spec, path: "\(method) \(path) headers")
                        == [])
            }
        }
        #expect(taking.sorted() == ["PATCH /users/{id}", "POST /guardian/enrollments/ticket"])
    }

    @Test("PATCH user: read-only and write-only as the spec's request and response schemas imply")
    func readAndWriteOnly() throws {
        let spec = try Self.effectiveSpec()
        let request = Set(
            try Self.schema("UpdateUserRequestContent", in: spec)["properties"]?.objectValue?.keys ?? [:].keys)
        let response = Set(
            try Self.schema("UpdateUserResponseContent", in: spec)["properties"]?.objectValue?.keys ?? [:].keys)
        #expect(UpdateUserRequest.schema.writeOnly == request.subtracting(response))
        #expect(Set(UpdateUserRequest.schema.readOnly) == response.subtracting(request))
    }

    @Test("Every exception has an id, an operation, a reason and a patch that applies")
    func exceptions() throws {
        let list = try #require(try Self.load("exceptions.json")["exceptions"]?.arrayValue)
        #expect(!list.isEmpty)
        for exception in list {
            #expect(exception["id"]?.stringValue?.isEmpty == false)
            #expect(exception["operation"]?.stringValue?.isEmpty == false)
            #expect(exception["reason"]?.stringValue?.isEmpty == false)
            #expect(exception["patch"]?.arrayValue?.isEmpty == false)
        }
        _ = try Self.effectiveSpec()
    }

    @Test("Every pattern in the tables compiles")
    func patterns() {
        for table in [
            UpdateUserRequest.schema, ExportJobRequest.schema, TicketRequest.schema, ExportJobRequest.fieldSchema,
        ] {
            for (name, property) in table.properties {
                if let pattern = property.pattern { #expect((try? Regex(pattern)) != nil, "\(table.specName).\(name)") }
            }
        }
    }
}
