import { defineConfig } from "@playwright/test";

// Ports of the test instance (not the 3000 of a development server that may be running).
const port = process.env.SESAME_E2E_PORT ?? "3400";
const smtpPort = process.env.SESAME_E2E_SMTP_PORT ?? "2625";
const mailHttpPort = process.env.SESAME_E2E_MAIL_PORT ?? "2680";
const target = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/sesame/target`;
process.env.SESAME_E2E_MAIL_URL = `http://127.0.0.1:${mailHttpPort}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "fr-FR",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `${target}/release/smtp-sink --smtp 127.0.0.1:${smtpPort} --http 127.0.0.1:${mailHttpPort}`,
      url: `http://127.0.0.1:${mailHttpPort}/messages`,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: `./serve-for-tests.sh`,
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        SESAME_BIND: `127.0.0.1:${port}`,
        SESAME_PUBLIC_URL: `http://127.0.0.1:${port}`,
        SESAME_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        CARGO_TARGET_DIR: target,
      },
    },
  ],
});
