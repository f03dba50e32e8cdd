import Hummingbird

/// The one place the emulator's routes and middleware are put together.
///
/// Middleware, outermost first: the request log (and Auth0-shaped errors), the rate limiter,
/// fault injection (these two only touch `/api/v2/…`), 405 for methods not served on a served
/// path, then `HEAD` answers without a body (the routes serve it as `GET`).
enum EmulatorRouter {
    static func build(tenant: Tenant) -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.middlewares.add(RequestLogMiddleware(store: tenant.store, clock: tenant.clock))
        router.middlewares.add(RateLimitMiddleware(limiter: tenant.limiter))
        router.middlewares.add(FaultMiddleware(faults: tenant.faults))
        router.middlewares.add(
            AllowedMethodsMiddleware(
                operations: (ManagementRoutes.operations + MembershipRoutes.operations + TenantSetupRoutes.operations)
                    .map {
                        ($0.method, "/api/v2" + $0.path)
                    } + [
                        (.post, "/oauth/token")
                    ]
            ))
        router.middlewares.add(HeadMiddleware())
        AuthRoutes.add(to: router, tenant: tenant)
        ManagementRoutes.add(to: router, tenant: tenant)
        MembershipRoutes.add(to: router, tenant: tenant)
        TenantSetupRoutes.add(to: router, tenant: tenant)
        AdminRoutes.add(to: router, tenant: tenant)
        return router
    }
}
