import MFARollout
import Rollout
import Testing

@Suite("Reading an Action's or Rule's code for the flag")
struct FlagCodeAnalysisTests {
    let flag = FlagLocation(container: .appMetadata, key: "use_mfa")

    func action(_ body: String) -> FlagCodeAnalysis {
        FlagCodeAnalysis(
            code: "exports.onExecutePostLogin = async (event, api) => {\n\(body)\n};", flag: flag, kind: .action)
    }

    @Test(
        "Dot, bracket and optional-chaining reads of the exact location are found",
        arguments: [
            "if (event.user.app_metadata.use_mfa === true) { api.multifactor.enable('any'); }",
            "if (event.user.app_metadata?.use_mfa === true) { api.multifactor.enable('any'); }",
            "if (event.user?.app_metadata?.use_mfa === true) { api.multifactor.enable('any'); }",
            "if (event.user[\"app_metadata\"][\"use_mfa\"] === true) { api.multifactor.enable('any'); }",
            "if (event.user['app_metadata']?.['use_mfa'] === true) { api.multifactor.enable('any'); }",
            "if (event.user.app_metadata ['use_mfa'] === true) { api.multifactor.enable('any'); }",
            "if (true === event.user.app_metadata.use_mfa) { api.multifactor.enable('any'); }",
            "const meta = event.user.app_metadata || {};\nif (meta.use_mfa === true) { api.multifactor.enable('any'); }",
            "const { use_mfa } = event.user.app_metadata;\nif (use_mfa === true) { api.multifactor.enable('any'); }",
            "const { use_mfa: on } = event.user.app_metadata;\nif (on === true) { api.authentication.challengeWithAny([{type:'otp'}]); }",
        ])
    func readsExactLocation(_ body: String) {
        let analysis = action(body)
        #expect(analysis.readsFlag, "\(body)")
        #expect(analysis.enablesMFA, "\(body)")
        #expect(analysis.looseComparisons.isEmpty, "\(body): \(analysis.flagComparisons)")
        #expect(analysis.reads.contains("app_metadata.use_mfa"))
    }

    @Test("The printed Action reads its flag strictly and enables MFA")
    func printedAction() {
        for flag in [flag, FlagLocation(container: .userMetadata, key: "requireMfa")] {
            let analysis = FlagCodeAnalysis(code: PostLoginAction(flag: flag).source, flag: flag, kind: .action)
            #expect(analysis.readsFlag && analysis.enablesMFA && analysis.looseComparisons.isEmpty)
            #expect(analysis.reads == [flag.description])
        }
    }

    @Test("Another container or another key is not the flag")
    func otherLocations() {
        let container = action("if (event.user.user_metadata.use_mfa === true) api.multifactor.enable('any');")
        #expect(!container.readsFlag)
        #expect(container.enablesMFA)
        #expect(container.reads == ["user_metadata.use_mfa"])
        let key = action("if (event.user.app_metadata.useMfa === true) api.multifactor.enable('any');")
        #expect(!key.readsFlag)
        #expect(key.reads == ["app_metadata.useMfa"])
        // A longer key that starts with the flag's is another key.
        let longer = action("if (event.user.app_metadata.use_mfa_v2 === true) api.multifactor.enable('any');")
        #expect(!longer.readsFlag)
    }

    @Test("Auth0's guide: the Rule reads user_metadata.use_mfa while the PATCH sets app_metadata.useMfa")
    func guideMismatch() {
        let rule = """
            function (user, context, callback) {
              if (user.user_metadata && user.user_metadata.use_mfa) {
                context.multifactor = { provider: 'guardian', allowRememberBrowser: false };
              }
              callback(null, user, context);
            }
            """
        let patched = FlagLocation(container: .appMetadata, key: "useMfa")
        let analysis = FlagCodeAnalysis(code: rule, flag: patched, kind: .rule)
        #expect(!analysis.readsFlag)
        #expect(analysis.enablesMFA)
        #expect(analysis.reads == ["user_metadata.use_mfa"])
        // The same Rule does read the location it names, loosely.
        let own = FlagCodeAnalysis(
            code: rule, flag: FlagLocation(container: .userMetadata, key: "use_mfa"), kind: .rule)
        #expect(own.readsFlag)
        #expect(own.looseComparisons == [.truthiness])
    }

    @Test(
        "Comparisons a non-boolean would pass, or the boolean true fail, are named",
        arguments: [
            (
                "if (event.user.app_metadata.use_mfa) api.multifactor.enable('any');",
                FlagCodeAnalysis.Comparison.truthiness
            ),
            ("if (event.user.app_metadata.use_mfa == true) api.multifactor.enable('any');", .looseTrue),
            ("if (event.user.app_metadata.use_mfa != true) return; api.multifactor.enable('any');", .looseTrue),
            ("if (event.user.app_metadata.use_mfa !== false) api.multifactor.enable('any');", .againstFalse),
            ("if (event.user.app_metadata.use_mfa === 'true') api.multifactor.enable('any');", .againstString),
            ("if ('true' == event.user.app_metadata.use_mfa) api.multifactor.enable('any');", .againstString),
            ("if (event.user.app_metadata.use_mfa == 1) api.multifactor.enable('any');", .looseTrue),
        ])
    func looseComparisons(_ body: String, _ expected: FlagCodeAnalysis.Comparison) {
        let analysis = action(body)
        #expect(analysis.readsFlag)
        #expect(analysis.looseComparisons == [expected], "\(body)")
    }

    @Test("Comments are not code; strings that look like comments are kept")
    func comments() {
        let commented = action(
            "// if (event.user.app_metadata.use_mfa === true) api.multifactor.enable('any');\n/* api.multifactor.enable('any') */"
        )
        #expect(!commented.readsFlag)
        #expect(!commented.enablesMFA)
        let url = action(
            "const u = 'https://x//y'; if (event.user.app_metadata.use_mfa === true) api.multifactor.enable('any');")
        #expect(url.readsFlag && url.enablesMFA)
    }

    @Test("Reading the flag without asking for MFA, and a Rule's context.multifactor")
    func enabling() {
        let reads = action("if (event.user.app_metadata.use_mfa === true) console.log('flagged');")
        #expect(reads.readsFlag)
        #expect(!reads.enablesMFA)
        let comparesMultifactor = FlagCodeAnalysis(
            code:
                "function (user, context, cb) { if (context.multifactor == null && user.app_metadata.use_mfa === true) {} cb(); }",
            flag: flag, kind: .rule)
        #expect(!comparesMultifactor.enablesMFA, "a comparison is not an assignment")
        // An Action's api call in a Rule does not count, nor a Rule's assignment in an Action.
        let ruleInAction = action(
            "if (event.user.app_metadata.use_mfa === true) context.multifactor = {provider:'any'};")
        #expect(!ruleInAction.enablesMFA)
    }
}
