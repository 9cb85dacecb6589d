import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The browser app is built into web/dist and served by the API server on the same origin.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: { proxy: { "/api": "http://localhost:8080" } },
});
