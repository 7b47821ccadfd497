// A real OpenID provider (panva/oidc-provider, OpenID Certified) for tests/accounts/test_sso.py.
// Usage: node provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET
// Any login is accepted by its development interactions (the login and consent pages);
// the account's claims: sub = login, email, name, and a regional id «region_id» = "R-" + login.
import Provider from "oidc-provider";

const [port, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
    grant_types: ["authorization_code"], response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  claims: { openid: ["sub"], email: ["email"], profile: ["name"], region: ["region_id"] },
  scopes: ["openid", "email", "profile", "region"],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["marshrut-test-only"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@region.example`, name: `Пользователь ${id}`,
                 region_id: `R-${id}` };
      },
    };
  },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
