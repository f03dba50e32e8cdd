import Foundation
import Testing

@testable import MFARollout

/// What "on" means: in an Auth0 export, only the bare boolean `true`.
@Suite("flag values: booleans, and what is not one")
struct FlagNormalisationTests {
    static func plan(_ csv: String, mode: String = "enable-only") throws -> Plan {
        try Fixture.plan(
            csv: csv,
            policy: """
                version: 1
                mode: \(mode)
                rules:
                  - name: staff
                    when: {column: email, domain: corp.com}
                """,
            directoryPrefix: "flags")
    }

    @Test(
        "Auth0 export: the string \"true\" and the number 1 are not on; the boolean is written over them, counted apart"
    )
    func auth0Strings() throws {
        // Auth0 escaping: strings carry a leading ', booleans and numbers are bare.
        let plan = try Self.plan(
            """
            user_id,email,identities[0].connection,app_metadata.use_mfa
            'auth0|1,'a@corp.com,'db,true
            'auth0|2,'b@corp.com,'db,'true
            'auth0|3,'c@corp.com,'db,1
            'auth0|4,'d@corp.com,'db,
            'auth0|5,'e@corp.com,'db,false
            'auth0|6,'f@corp.com,'db,'yes
            'auth0|7,'g@other.com,'db,'true

            """)
        let byUser = Dictionary(uniqueKeysWithValues: plan.operations.map { ($0.userID, $0) })
        #expect(byUser["auth0|1"] == nil, "the boolean true is on: nothing to do")
        #expect(byUser["auth0|2"]?.action == .enable && byUser["auth0|2"]?.current == .other)
        #expect(byUser["auth0|3"]?.action == .enable && byUser["auth0|3"]?.current == .other)
        #expect(byUser["auth0|4"]?.current == .absent && byUser["auth0|5"]?.current == .off)
        #expect(byUser["auth0|6"]?.current == .other, "any other value is not on either, and no error")
        #expect(byUser["auth0|7"] == nil, "enable-only leaves a user it does not select alone")
        #expect(plan.summary.enable == 5)
        #expect(plan.summary.normalise == 3)
        #expect(plan.summary.normaliseFrom == ["string \"true\"": 1, "number 1": 1, "string \"yes\"": 1])
        #expect(plan.summary.unchanged == 2)
    }

    @Test("enforce with disable: all writes false over a non-boolean of a user it does not select")
    func enforceNormalises() throws {
        let plan = try Self.plan(
            """
            user_id,email,identities[0].connection,app_metadata.use_mfa
            'auth0|1,'g@other.com,'db,'true
            'auth0|2,'h@other.com,'db,true

            """, mode: "enforce\ndisable: all")
        #expect(plan.operations.map(\.action) == [.disable, .disable])
        #expect(plan.operations.map(\.current) == [.other, .on])
        #expect(plan.summary.normalise == 1)
    }

    @Test("a plain CSV carries no types: true, 1 and TRUE are on, as before")
    func plainCSV() throws {
        let plan = try Self.plan(
            """
            user_id,email,identities[0].connection,app_metadata.use_mfa
            auth0|1,a@corp.com,db,true
            auth0|2,b@corp.com,db,1
            auth0|3,c@corp.com,db,TRUE
            auth0|4,d@corp.com,db,

            """)
        #expect(plan.operations.map(\.userID) == ["auth0|4"])
        #expect(plan.summary.normalise == 0)
    }

    @Test("a plan with normalising operations reads back; undo does not invent a value it cannot restore")
    func roundTrip() throws {
        let plan = try Self.plan(
            """
            user_id,email,identities[0].connection,app_metadata.use_mfa
            'auth0|2,'b@corp.com,'db,'true

            """)
        let read = try PlanFile.decode(Data(PlanFile.encode(plan)), path: "p.json")
        #expect(read.operations.first?.current == .other)
        #expect(read.summary.normaliseFrom == ["string \"true\"": 1])
        #expect(PlanAction(restoring: .other) == nil)
    }
}
