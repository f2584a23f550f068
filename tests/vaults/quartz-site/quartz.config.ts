import { QuartzConfig } from "./quartz/cfg"
import * as Plugin from "./quartz/plugins"

// a test fixture: notelint reads this file as text and never runs it
const config: QuartzConfig = {
  configuration: {
    pageTitle: "Fixture",
    ignorePatterns: ["private", "templates", ".obsidian"],
  },
  plugins: {
    transformers: [
      Plugin.FrontMatter(),
      Plugin.CrawlLinks({ markdownLinkResolution: "shortest" }),
    ],
    filters: [Plugin.RemoveDrafts()],
    emitters: [Plugin.AliasRedirects(), Plugin.ContentPage(), Plugin.FolderPage(), Plugin.TagPage()],
  },
}

export default config
