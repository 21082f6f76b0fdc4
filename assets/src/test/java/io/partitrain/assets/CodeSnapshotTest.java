package io.partitrain.assets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's content hash of a code folder, and which files its ignore file leaves out. */
class CodeSnapshotTest {

  @TempDir Path dir;

  Path src() throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("lib"));
    Files.createDirectories(src.resolve("data"));
    Files.writeString(src.resolve("train.py"), "print('hi')\n");
    Files.writeString(src.resolve("lib/util.py"), "X=1\n");
    Files.writeString(src.resolve("data/big.csv"), "a,b\n1,2\n");
    Files.writeString(src.resolve("cache.pyc"), "junk");
    Files.writeString(src.resolve(".amlignore"), "# not uploaded\ndata/\n*.pyc\n");
    return src;
  }

  @Test
  void theHashIsTheOneAzureAiMlComputesForTheSameFiles() throws Exception {
    CodeSnapshot s = CodeSnapshot.of("code", src());

    assertThat(s.entries())
        .extracting(CodeSnapshot.Entry::relativePath)
        .containsExactly(".amlignore", "lib/util.py", "train.py");
    // computed independently with azure-ai-ml's _get_file_list_content_hash over the same three
    // files (count, then #path# and size per file ordered by lower-cased path, then the bytes)
    assertThat(s.hash())
        .isEqualTo("4924b6f819f53caccf7f31cd7a436baced18e06e99b51807dcafd91a9f4a3228");
    assertThat(s.assetName()).isEqualTo("4924b6f8-19f5-3cac-cf7f-31cd7a436bac");
    assertThat(s.totalBytes()).isEqualTo(12 + 4 + 27);
  }

  @Test
  void aChangedFileChangesTheHashAndAnIgnoredOneDoesNot() throws Exception {
    Path src = src();
    String before = CodeSnapshot.of("code", src).hash();

    Files.writeString(src.resolve("data/big.csv"), "changed");
    Files.writeString(src.resolve("cache.pyc"), "changed");
    assertThat(CodeSnapshot.of("code", src).hash()).isEqualTo(before);

    Files.writeString(src.resolve("train.py"), "print('hello')\n");
    assertThat(CodeSnapshot.of("code", src).hash()).isNotEqualTo(before);
  }

  @Test
  void gitignoreIsUsedWhenThereIsNoAmlignore() throws Exception {
    Path src = src();
    Files.delete(src.resolve(".amlignore"));
    Files.writeString(src.resolve(".gitignore"), "/lib/\n");

    assertThat(CodeSnapshot.of("code", src).entries())
        .extracting(CodeSnapshot.Entry::relativePath)
        .containsExactly(".gitignore", "cache.pyc", "data/big.csv", "train.py");
  }

  @Test
  void ignoreRulesFollowGitignore() {
    var rules =
        CodeSnapshot.IgnoreRules.parse(
            List.of("*.log", "!keep.log", "build/", "/top.txt", "docs/**/*.md", "[ab].py"));

    assertThat(rules.excludes("x.log")).isTrue();
    assertThat(rules.excludes("deep/x.log")).isTrue();
    assertThat(rules.excludes("keep.log")).isFalse();
    assertThat(rules.excludes("build/out.bin")).isTrue();
    assertThat(rules.excludes("build")).as("a file named build is not a folder").isFalse();
    assertThat(rules.excludes("top.txt")).isTrue();
    assertThat(rules.excludes("sub/top.txt")).as("anchored").isFalse();
    assertThat(rules.excludes("docs/a/b/c.md")).isTrue();
    assertThat(rules.excludes("docs/c.md")).isTrue();
    assertThat(rules.excludes("a.py")).isTrue();
    assertThat(rules.excludes("c.py")).isFalse();
  }

  @Test
  void aMissingFolderIsRefusedNamingTheField() {
    assertThatThrownBy(() -> CodeSnapshot.of("code", dir.resolve("nope")))
        .isInstanceOf(AzureMlTranslationException.class)
        .hasMessageContaining("code")
        .hasMessageContaining("does not exist");
  }
}
