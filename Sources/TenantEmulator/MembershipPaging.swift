import Foundation

/// The two ways Auth0 pages role users and organization members.
///
/// - Checkpoint, when the request has `from` or `take`: `take` items (default 50) after the
///   position `from` names, answered as `{"<key>": […], "next": "…"}`; `next` is left out on
///   the last page. The token is opaque to clients.
/// - Offset otherwise: `page` and `per_page` (default 50), as a bare array, or with
///   `include_totals=true` as `{"start", "limit", "total", "<key>"}`. Like Auth0, offset paging
///   stops at the first 1,000 results: a page reaching past them is refused.
enum MembershipPaging {
    /// How many results offset paging reaches.
    static let offsetLimit = 1000
    static let defaultPageSize = 50

    /// The page of `ids` the query asks for, each id rendered by `render` (only the page's).
    static func answer(
        _ ids: [String], query: [String: JSONValue], key: String, checkpoint: Bool = true,
        render: ([String]) async -> [JSONValue]
    ) async throws(Auth0ErrorBody) -> JSONValue {
        if checkpoint, query["from"] != nil || query["take"] != nil {
            let take = int(query["take"]) ?? defaultPageSize
            let start = min(try position(query["from"]?.stringValue), ids.count)
            let end = min(start + take, ids.count)
            let page = start < end ? Array(ids[start..<end]) : []
            var answer: [String: JSONValue] = [key: .array(await render(page))]
            if end < ids.count { answer["next"] = .string(token(end)) }
            return .object(answer)
        }
        let perPage = int(query["per_page"]) ?? defaultPageSize
        let page = int(query["page"]) ?? 0
        // A page number so large that its offset overflows is past every list.
        let (product, overflow) = page.multipliedReportingOverflow(by: perPage)
        let start = overflow ? Int.max : product
        guard start <= offsetLimit - perPage || (start >= ids.count && ids.count <= offsetLimit) else {
            throw Auth0ErrorBody.badRequest(
                "You can only page through the first \(offsetLimit) records; use checkpoint pagination (from, take) for more.",
                errorCode: "invalid_paging")
        }
        let slice = start < ids.count ? Array(ids[start..<min(start + perPage, ids.count)]) : []
        let items = await render(slice)
        guard query["include_totals"]?.boolValue == true else { return .array(items) }
        return [
            "start": .int(min(start, ids.count)), "limit": .int(perPage), "total": .int(ids.count), key: .array(items),
        ]
    }

    /// An integer query value (the query table types it before the route sees it).
    static func int(_ value: JSONValue?) -> Int? {
        switch value {
        case .int(let number)?: number
        case .double(let number)? where number.rounded(.towardZero) == number && abs(number) < 1e15: Int(number)
        default: nil
        }
    }

    /// The opaque `next` token for position `index`.
    static func token(_ index: Int) -> String {
        Data("cp:\(index)".utf8).base64EncodedString()
    }

    /// The position a `from` token names (0 without one).
    static func position(_ from: String?) throws(Auth0ErrorBody) -> Int {
        guard let from else { return 0 }
        guard let data = Data(base64Encoded: from), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("cp:"), let index = Int(text.dropFirst(3)), index >= 0
        else {
            throw Auth0ErrorBody.badRequest("Invalid value for the from parameter.", errorCode: "invalid_query_string")
        }
        return index
    }
}
