extension Tenant {
    /// Records on the user what Auth0 records once they have enrolled a factor:
    /// `multifactor: ["guardian"]` and `multifactor_last_modified`. Does nothing for an unknown user.
    func markEnrolled(userID: String) async {
        guard var user = await store.user(id: userID) else { return }
        user.fields["multifactor"] = ["guardian"]
        user.fields["multifactor_last_modified"] = .string(clock.timestamp())
        await store.put(user)
    }
}
