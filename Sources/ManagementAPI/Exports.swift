// Callers create and shut down the HTTPClient they hand to `ManagementClient`/`TokenProvider`
// without depending on AsyncHTTPClient themselves.
@_exported import class AsyncHTTPClient.HTTPClient
