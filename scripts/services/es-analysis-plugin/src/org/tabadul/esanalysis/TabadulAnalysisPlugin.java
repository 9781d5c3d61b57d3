package org.tabadul.esanalysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.ar.ArabicNormalizationFilter;
import org.apache.lucene.analysis.ar.ArabicStemFilter;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Minimal stand-in for the parts of Elasticsearch's analysis-common module
 * that this project needs, for the integ-test distribution (which ships
 * without analysis-common). Every component is a thin wrapper around the
 * Lucene class that analysis-common itself uses, so analysis results match:
 *
 * analyzer:   arabic (stopwords, stopwords_path, stem_exclusion)
 * filters:    asciifolding, ngram, edge_ngram, arabic_normalization,
 *             arabic_stem, decimal_digit, stemmer (language: english,
 *             porter2, possessive_english); `stop` is in the server itself
 * tokenizers: ngram, edge_ngram (token_chars), keyword, whitespace
 * REST:       GET / and HEAD / (rest-root is missing too; see RootInfoHandler)
 *
 * Not for production use: the full distribution has the real module.
 */
public class TabadulAnalysisPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new RootInfoHandler(settings));
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> m = new TreeMap<>();
        m.put("arabic", ArabicProvider::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> m = new TreeMap<>();
        m.put("asciifolding", AsciiFoldingFactory::new);
        m.put("ngram", NGramFilterFactory::new);
        m.put("edge_ngram", EdgeNGramFilterFactory::new);
        m.put("arabic_normalization", (idx, env, name, s) -> new SimpleFilter(name, s, ArabicNormalizationFilter::new));
        m.put("arabic_stem", (idx, env, name, s) -> new SimpleFilter(name, s, ArabicStemFilter::new));
        m.put("decimal_digit", (idx, env, name, s) -> new SimpleFilter(name, s, DecimalDigitFilter::new));
        m.put("stemmer", StemmerFilterFactory::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> m = new TreeMap<>();
        m.put("ngram", (idx, env, name, s) -> new GramTokenizerFactory(idx, s, name, false));
        m.put("edge_ngram", (idx, env, name, s) -> new GramTokenizerFactory(idx, s, name, true));
        m.put("keyword", KeywordTokenizerFactory::new);
        m.put("whitespace", WhitespaceTokenizerFactory::new);
        return m;
    }

    // ---- analyzers ---------------------------------------------------------

    static final class ArabicProvider extends AbstractIndexAnalyzerProvider<ArabicAnalyzer> {
        private final ArabicAnalyzer analyzer;

        ArabicProvider(IndexSettings idx, Environment env, String name, Settings s) {
            super(name, s);
            analyzer = new ArabicAnalyzer(
                Analysis.parseStopWords(env, s, ArabicAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(s, CharArraySet.EMPTY_SET)
            );
        }

        @Override
        public ArabicAnalyzer get() {
            return analyzer;
        }
    }

    // ---- token filters -----------------------------------------------------

    interface FilterCtor {
        TokenStream wrap(TokenStream in);
    }

    static final class SimpleFilter extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final FilterCtor ctor;

        SimpleFilter(String name, Settings s, FilterCtor ctor) {
            super(name, s);
            this.ctor = ctor;
        }

        @Override
        public TokenStream create(TokenStream in) {
            return ctor.wrap(in);
        }
    }

    /**
     * analysis-common's `stemmer`, for the English languages it maps to these
     * Lucene classes: `english` (PorterStemFilter), `porter2` (SnowballFilter
     * with the Snowball EnglishStemmer), `possessive_english`
     * (EnglishPossessiveFilter).
     */
    static final class StemmerFilterFactory extends AbstractTokenFilterFactory {
        private final String language;

        StemmerFilterFactory(IndexSettings idx, Environment env, String name, Settings s) {
            super(name, s);
            language = s.get("language", s.get("name", "porter")).toLowerCase(Locale.ROOT);
            switch (language) {
                case "english", "porter", "porter2", "possessive_english" -> { }
                default -> throw new IllegalArgumentException("stemmer language [" + language + "] is not supported by this stand-in");
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            return switch (language) {
                case "porter2" -> new SnowballFilter(in, new EnglishStemmer());
                case "possessive_english" -> new EnglishPossessiveFilter(in);
                default -> new PorterStemFilter(in);
            };
        }
    }

    static final class AsciiFoldingFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFoldingFactory(IndexSettings idx, Environment env, String name, Settings s) {
            super(name, s);
            preserveOriginal = s.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ASCIIFoldingFilter(in, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream in) {
            // a normalizer must emit exactly one token per input token
            return new ASCIIFoldingFilter(in, false);
        }
    }

    static int checkedDiff(IndexSettings idx, String what, int min, int max) {
        int limit = idx == null ? Integer.MAX_VALUE : idx.getMaxNgramDiff();
        if (max - min > limit) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in " + what + " must be less than or equal to: ["
                    + limit + "] but was [" + (max - min) + "]. This limit can be set by changing the ["
                    + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey() + "] index level setting."
            );
        }
        return max - min;
    }

    static final class NGramFilterFactory extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;

        NGramFilterFactory(IndexSettings idx, Environment env, String name, Settings s) {
            super(name, s);
            minGram = s.getAsInt("min_gram", 1);
            maxGram = s.getAsInt("max_gram", 2);
            preserveOriginal = s.getAsBoolean("preserve_original", false);
            checkedDiff(idx, "NGram Tokenizer", minGram, maxGram);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new NGramTokenFilter(in, minGram, maxGram, preserveOriginal);
        }

        @Override
        public boolean breaksFastVectorHighlighter() {
            return true;
        }
    }

    static final class EdgeNGramFilterFactory extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;
        private final boolean back;

        EdgeNGramFilterFactory(IndexSettings idx, Environment env, String name, Settings s) {
            super(name, s);
            minGram = s.getAsInt("min_gram", 1);
            maxGram = s.getAsInt("max_gram", 2);
            preserveOriginal = s.getAsBoolean("preserve_original", false);
            String side = s.get("side", "front");
            if (!side.equals("front") && !side.equals("back")) {
                throw new IllegalArgumentException("invalid side: " + side);
            }
            back = side.equals("back");
        }

        @Override
        public TokenStream create(TokenStream in) {
            TokenStream out = back ? new ReverseStringFilter(in) : in;
            out = new EdgeNGramTokenFilter(out, minGram, maxGram, preserveOriginal);
            return back ? new ReverseStringFilter(out) : out;
        }

        @Override
        public boolean breaksFastVectorHighlighter() {
            return true;
        }
    }

    // ---- tokenizers --------------------------------------------------------

    static boolean isPunctuation(int type) {
        switch (type) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    static boolean isSymbol(int type) {
        switch (type) {
            case Character.MATH_SYMBOL:
            case Character.CURRENCY_SYMBOL:
            case Character.MODIFIER_SYMBOL:
            case Character.OTHER_SYMBOL:
                return true;
            default:
                return false;
        }
    }

    static boolean isLetterOrMark(int c) {
        if (Character.isLetter(c)) return true;
        int t = Character.getType(c);
        // Arabic harakat etc. are combining marks: keep them inside tokens.
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK;
    }

    /** Parses token_chars (+ custom_token_chars); null means "every char". */
    static IntPredicate tokenChars(Settings s) {
        List<String> classes = s.getAsList("token_chars");
        if (classes == null || classes.isEmpty()) return null;
        IntPredicate p = c -> false;
        for (String raw : classes) {
            String cls = raw.toLowerCase(Locale.ROOT).trim();
            switch (cls) {
                case "letter":
                    p = p.or(TabadulAnalysisPlugin::isLetterOrMark);
                    break;
                case "digit":
                    p = p.or(Character::isDigit);
                    break;
                case "whitespace":
                    p = p.or(Character::isWhitespace);
                    break;
                case "punctuation":
                    p = p.or(c -> isPunctuation(Character.getType(c)));
                    break;
                case "symbol":
                    p = p.or(c -> isSymbol(Character.getType(c)));
                    break;
                case "custom": {
                    String custom = s.get("custom_token_chars", "");
                    int[] cps = custom.codePoints().toArray();
                    p = p.or(c -> {
                        for (int x : cps) if (x == c) return true;
                        return false;
                    });
                    break;
                }
                default:
                    throw new IllegalArgumentException(
                        "Unknown token type: '" + cls + "', must be one of [letter, digit, whitespace, punctuation, symbol, custom]"
                    );
            }
        }
        return p;
    }

    static final class GramTokenizerFactory extends AbstractTokenizerFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean edge;
        private final IntPredicate tokenChar;

        GramTokenizerFactory(IndexSettings idx, Settings s, String name, boolean edge) {
            super(idx, s, name);
            this.edge = edge;
            minGram = s.getAsInt("min_gram", 1);
            maxGram = s.getAsInt("max_gram", 2);
            if (!edge) checkedDiff(idx, "NGram Tokenizer", minGram, maxGram);
            tokenChar = tokenChars(s);
        }

        @Override
        public Tokenizer create() {
            final IntPredicate tc = tokenChar;
            if (edge) {
                if (tc == null) return new EdgeNGramTokenizer(minGram, maxGram);
                return new EdgeNGramTokenizer(minGram, maxGram) {
                    @Override
                    protected boolean isTokenChar(int chr) {
                        return tc.test(chr);
                    }
                };
            }
            if (tc == null) return new NGramTokenizer(minGram, maxGram);
            return new NGramTokenizer(minGram, maxGram) {
                @Override
                protected boolean isTokenChar(int chr) {
                    return tc.test(chr);
                }
            };
        }
    }

    static final class KeywordTokenizerFactory extends AbstractTokenizerFactory {
        private final int bufferSize;

        KeywordTokenizerFactory(IndexSettings idx, Environment env, String name, Settings s) {
            super(idx, s, name);
            bufferSize = s.getAsInt("buffer_size", 256);
        }

        @Override
        public Tokenizer create() {
            return new KeywordTokenizer(bufferSize);
        }
    }

    static final class WhitespaceTokenizerFactory extends AbstractTokenizerFactory {
        private final int maxTokenLength;

        WhitespaceTokenizerFactory(IndexSettings idx, Environment env, String name, Settings s) {
            super(idx, s, name);
            maxTokenLength = s.getAsInt("max_token_length", 255);
        }

        @Override
        public Tokenizer create() {
            return new WhitespaceTokenizer(WhitespaceTokenizer.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxTokenLength);
        }
    }
}
