import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  plugins: [vue()],
  server: {
    // In development Vite forwards the API calls; in production nginx does (nginx/default.conf).
    proxy: {
      "/api/orders": { target: "http://127.0.0.1:3000", rewrite: (p) => p.replace(/^\/api/, "") },
      "/api/products": { target: "http://127.0.0.1:8080", rewrite: (p) => p.replace(/^\/api/, "") },
    },
  },
});
