import MFARollout
import ManagementAPI

/// Installs mfa-rollout's post-login Action: creates it (or updates the one with its name),
/// deploys it once built, and binds it to post-login after every existing binding, keeping
/// those and their order. No other Action is touched.
package struct ActionDeployer: Sendable {
    /// What a deployment did.
    package struct Outcome: Sendable, Equatable, Codable {
        package var actionID: String
        package var name: String
        /// `created` or `updated`.
        package var change: String
        /// Whether this run added the binding (false: it was already bound).
        package var newlyBound: Bool
        /// The post-login bindings afterwards, in execution order (Action names).
        package var bindings: [String]

        enum CodingKeys: String, CodingKey {
            case actionID = "action_id"
            case name, change
            case newlyBound = "newly_bound"
            case bindings
        }
    }

    /// Why a deployment stopped.
    package enum Failure: Error, CustomStringConvertible {
        case buildFailed(name: String, status: String)
        case buildTimedOut(name: String, status: String)
        case duplicateName(String, count: Int)

        package var description: String {
            switch self {
            case .buildFailed(let name, let status):
                "the Action '\(name)' did not build (status \(status)); nothing was deployed or bound"
            case .buildTimedOut(let name, let status):
                "the Action '\(name)' was still \(status) after waiting; nothing was deployed or bound (run again)"
            case .duplicateName(let name, let count):
                "\(count) Actions are named '\(name)': refusing to pick one; rename or delete the extra ones"
            }
        }
    }

    package let client: ManagementClient
    /// How long to wait for Auth0 to build the Action before deploying it.
    package var buildTimeout: Duration = .seconds(60)

    package init(client: ManagementClient) {
        self.client = client
    }

    package func deploy(_ action: PostLoginAction, name: String = PostLoginAction.defaultName) async throws -> Outcome {
        let existing = try await client.findActions(named: name)
        guard existing.count <= 1 else { throw Failure.duplicateName(name, count: existing.count) }
        var installed: ManagementAction
        let change: String
        if let found = existing.first {
            installed = try await client.updateAction(
                id: found.id, code: action.source, runtime: PostLoginAction.runtime)
            change = "updated"
        } else {
            installed = try await client.createAction(
                name: name, code: action.source, runtime: PostLoginAction.runtime, trigger: PostLoginAction.trigger,
                triggerVersion: PostLoginAction.triggerVersion)
            change = "created"
        }
        // Auth0 builds an Action before it can be deployed.
        let clock = ContinuousClock()
        let deadline = clock.now + buildTimeout
        while let status = installed.status, status != "built" {
            if status == "failed" { throw Failure.buildFailed(name: name, status: status) }
            guard clock.now < deadline else { throw Failure.buildTimedOut(name: name, status: status) }
            try await Task.sleep(for: .seconds(1))
            installed = try await client.getAction(id: installed.id)
        }
        try await client.deployAction(id: installed.id)

        let bindings = try await client.getTriggerBindings(trigger: PostLoginAction.trigger)
        var names = bindings.map { $0.action.name }
        let alreadyBound = bindings.contains { $0.action.id == installed.id }
        if !alreadyBound {
            let kept = bindings.map { (id: $0.action.id, displayName: $0.displayName ?? $0.action.name) }
            let replaced = try await client.replaceTriggerBindings(
                trigger: PostLoginAction.trigger, actions: kept + [(installed.id, name)])
            names = replaced.map { $0.action.name }
        }
        return Outcome(
            actionID: installed.id, name: name, change: change, newlyBound: !alreadyBound, bindings: names)
    }
}
