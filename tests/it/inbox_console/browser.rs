//! The console in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! installed by scripts/setup.sh), through WebDriver (fantoccini): log in, see a dead
//! delivery, filter, open it, replay it, replay all matching; a hostile payload executes
//! nothing; a form on another origin of the same host (same-site: the `SameSite=Strict`
//! cookie is sent) with a copied CSRF token is refused. If chromedriver cannot be found or
//! started, the test fails (never skips), saying how to install it.
//!
//! Screenshots of the overview and a delivery page are written only when
//! `CONSOLE_SCREENSHOTS` names a directory (relative to the crate's root, or absolute):
//! `CONSOLE_SCREENSHOTS=docs/img cargo test --all-features --test it inbox_console::browser`
//! refreshes the README's images. Unset (CI), the test writes nothing into the tree.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use fantoccini::{Client, ClientBuilder, Locator};
use tower_webhook::inbox::{DeliveryState, ListFilter};

use super::{start, TOKEN};
use crate::common::Server;

/// A payload that would change the page's title if any of it ran.
const HOSTILE: &str = r#"{"type":"order.failing","note":"<script>document.title='pwned'</script>","pic":"<img src=x onerror=\"document.title='pwned'\">","link":"<a href=\"javascript:document.title='pwned'\">click</a>"}"#;

/// A chromedriver of our own on a free port; killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .unwrap();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "chromedriver cannot be started ({error}): install Debian's chromium and \
                     chromium-driver (scripts/setup.sh)"
                )
            });
        let profile = std::env::temp_dir().join(format!(
            "tower-webhook-chromium-{}-{port}",
            std::process::id()
        ));
        Driver {
            child,
            port,
            profile,
        }
    }

    async fn client(&self) -> Client {
        let mut options = serde_json::Map::new();
        options.insert(
            "args".into(),
            serde_json::json!([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                format!("--user-data-dir={}", self.profile.display()),
            ]),
        );
        if std::path::Path::new("/usr/bin/chromium").exists() {
            options.insert("binary".into(), "/usr/bin/chromium".into());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options.into());
        let url = format!("http://127.0.0.1:{}", self.port);
        // chromedriver takes a moment to listen: retry the session for up to 20 seconds.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return client,
                Err(error) => {
                    assert!(
                        Instant::now() < deadline,
                        "no WebDriver session from chromedriver: {error}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

async fn page_text(client: &Client) -> String {
    client.source().await.unwrap()
}

async fn button(client: &Client, label: &str) -> fantoccini::elements::Element {
    client
        .find(Locator::XPath(&format!(
            "//button[normalize-space()='{label}']"
        )))
        .await
        .unwrap_or_else(|error| panic!("no button {label:?}: {error}"))
}

/// Writes a screenshot to `$CONSOLE_SCREENSHOTS/name` when that variable is set and not
/// empty (see the module's documentation); otherwise does nothing.
async fn screenshot(client: &Client, name: &str) {
    let Some(dir) = std::env::var_os("CONSOLE_SCREENSHOTS").filter(|dir| !dir.is_empty()) else {
        return;
    };
    let png = client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// Waits until the page (its URL and its source) shows `done`: a click returns once the
/// browser has dispatched it, not once the page it leads to has loaded.
async fn until(client: &Client, what: &str, done: impl Fn(&str, &str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let url = client.current_url().await.unwrap();
        let source = client.source().await.unwrap();
        if done(url.as_str(), &source) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the page never showed {what}: {url}\n{source}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_logs_in_finds_a_dead_delivery_and_replays_it_in_chromium() {
    let mut console = start("browser").await;
    console
        .accept("msg_fine", r#"{"type":"order.created"}"#)
        .await;
    console.accept("msg_hostile", HOSTILE).await;
    console.wait(|s| s.done == 1 && s.dead == 1).await;
    let driver = Driver::start();
    let client = driver.client().await;
    let root = console.console.clone();

    // Log in.
    client.goto(&root).await.unwrap();
    assert!(client
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/login"));
    let token = client
        .find(Locator::Css("input[name=token]"))
        .await
        .unwrap();
    token.send_keys(TOKEN).await.unwrap();
    button(&client, "Log in").await.click().await.unwrap();
    until(&client, "the overview", |url, page| {
        url.ends_with("/console/overview") && page.contains("Last 24 hours")
    })
    .await;
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/console/overview", "{url}");
    assert!(page_text(&client).await.contains("Last 24 hours"));
    screenshot(&client, "console-overview.png").await;

    // Deliveries: filter by state and provider, see the dead one.
    client.goto(&format!("{root}/deliveries")).await.unwrap();
    client
        .find(Locator::Css("select[name=state]"))
        .await
        .unwrap()
        .select_by_value("dead")
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=provider]"))
        .await
        .unwrap()
        .send_keys("standard-webhooks")
        .await
        .unwrap();
    button(&client, "Filter").await.click().await.unwrap();
    until(&client, "the filtered list", |url, _| {
        url.contains("state=dead")
    })
    .await;
    let url = client.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or_default().contains("state=dead"),
        "{url}"
    );
    let rows = client
        .find_all(Locator::Css("tr[data-delivery-id]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let id = rows[0].attr("data-delivery-id").await.unwrap().unwrap();
    assert!(rows[0].text().await.unwrap().contains("msg_hostile"));

    // Open it: the failure reason, the masked credential, the payload as text only.
    rows[0]
        .find(Locator::Css("a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let opened = format!("/console/deliveries/{id}");
    until(&client, "the delivery", |url, _| url.ends_with(&opened)).await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        format!("/console/deliveries/{id}")
    );
    let shown = page_text(&client).await;
    assert!(shown.contains("handler answered 503"));
    assert!(shown.contains("[masked]"));
    assert!(!shown.contains("sk_live_do_not_show_me"));
    let title = client.title().await.unwrap();
    assert!(!title.contains("pwned"), "a payload ran: {title}");
    let links = client
        .find_all(Locator::Css("a[href^='javascript']"))
        .await
        .unwrap();
    assert!(links.is_empty(), "a payload became a link");
    screenshot(&client, "console-delivery.png").await;

    // A form on another port of this host (same-site: the cookie is sent) with the
    // page's own CSRF token copied into it: refused, nothing changes.
    let csrf = client
        .find(Locator::Css("input[name=csrf]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    let action = format!("{root}/deliveries/{id}/replay");
    let attacker = Server::start(Router::new().route(
        "/",
        get(move || {
            let (action, csrf) = (action.clone(), csrf.clone());
            async move {
                Html(format!(
                    r#"<form method="post" action="{action}"><input type="hidden" name="csrf" value="{csrf}"><button type="submit">Win a prize</button></form>"#
                ))
            }
        }),
    ))
    .await;
    client.goto(&attacker.url("/")).await.unwrap();
    button(&client, "Win a prize").await.click().await.unwrap();
    until(&client, "an answer to the form", |_, page| {
        page.contains("Refused")
    })
    .await;
    let refused = page_text(&client).await;
    assert!(refused.contains("Refused"), "{refused}");
    let dead_id = tower_webhook::inbox::InboxId::new(id.parse().unwrap());
    let state = |inbox: tower_webhook::inbox::Inbox| async move {
        inbox.get(dead_id).await.unwrap().unwrap().record.state
    };
    assert_eq!(state(console.inbox.clone()).await, DeliveryState::Dead);

    // Replay it once the downstream is back: done.
    console.healthy.store(true, Ordering::SeqCst);
    client
        .goto(&format!("{root}/deliveries/{id}"))
        .await
        .unwrap();
    button(&client, "Replay").await.click().await.unwrap();
    until(&client, "the replay's notice", |url, page| {
        url.contains("done=replayed") && page.contains("Replayed")
    })
    .await;
    assert!(page_text(&client).await.contains("Replayed"));
    console.wait(|s| s.done == 2).await;
    client.refresh().await.unwrap();
    until(&client, "the delivery done", |_, page| {
        page.contains("state-done")
    })
    .await;

    // Replay all matching: two more dead, a confirmation with the count, then pending.
    console.healthy.store(false, Ordering::SeqCst);
    console
        .accept("msg_bulk_1", r#"{"type":"order.failing"}"#)
        .await;
    console
        .accept("msg_bulk_2", r#"{"type":"order.failing"}"#)
        .await;
    console.wait(|s| s.dead == 2).await;
    if let Some(workers) = console.workers.take() {
        workers.shutdown().await;
    }
    client
        .goto(&format!("{root}/deliveries?state=dead"))
        .await
        .unwrap();
    button(&client, "Replay all matching")
        .await
        .click()
        .await
        .unwrap();
    until(&client, "the confirmation", |url, page| {
        url.contains("/replay-matching") && page.contains("strong class=\"count\"")
    })
    .await;
    let count = client.find(Locator::Css("strong.count")).await.unwrap();
    assert_eq!(count.text().await.unwrap(), "2");
    button(&client, "Replay all matching")
        .await
        .click()
        .await
        .unwrap();
    until(&client, "the bulk replay's notice", |_, page| {
        page.contains("Replayed 2 dead deliveries")
    })
    .await;
    assert!(page_text(&client)
        .await
        .contains("Replayed 2 dead deliveries"));
    let pending = console
        .inbox
        .list(&ListFilter::new().state(DeliveryState::Pending))
        .await
        .unwrap();
    assert_eq!(pending.len(), 2);

    client.close().await.unwrap();
    drop(driver);
}
