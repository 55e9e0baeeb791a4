/* The course's MathJax 2.7 configuration for offline pages (widgets/site_math.py writes it as
   [MathJax]/config/local/rnn-course.js; pages load it after TeX-AMS-MML_HTMLorMML-full).
   - The jupyter_server_mathjax package ships the STIX-Web fonts only: use them (MathJax would
     first ask for its TeX fonts, which are not there), and no fast preview (it uses TeX fonts).
   - MathJax's font probe "MathJax_Blank" points at about:blank, which a page read from disk
     may not load (an error in the console): an empty data URL does the same job.
   - The hidden MathML that MathJax adds for screen readers asks for TeX web fonts for script,
     calligraphic, double-struck and fraktur letters: point those at the STIX-Web fonts. */
(function () {
  var stix = MathJax.Ajax.config.root + "/fonts/HTML-CSS/STIX-Web/woff/STIXMathJax_";
  var face = function (family, file, bold) {
    var rule = {"font-family": family, src: "url('" + stix + file + ".woff')"};
    if (bold) rule["font-weight"] = "bold";
    return rule;
  };
  MathJax.Hub.Config({
    "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
                 styles: {"@font-face": {"font-family": "MathJax_Blank",
                                         src: "url('data:font/woff,')"}}},
    NativeMML: {styles: {
      "@font-face /*1*/": face("MathJax_Caligraphic-WEB", "Script-Regular"),
      "@font-face /*2*/": face("MathJax_Caligraphic-WEB", "Script-BoldItalic", true),
      "@font-face /*3*/": face("MathJax_AMS-WEB", "DoubleStruck-Regular"),
      "@font-face /*4*/": face("MathJax_Script-WEB", "Script-Regular"),
      "@font-face /*5*/": face("MathJax_Fraktur-WEB", "Fraktur-Regular"),
      "@font-face /*6*/": face("MathJax_Fraktur-WEB", "Fraktur-Bold", true)}},
    messageStyle: "none",
    "fast-preview": {disabled: true},
    menuSettings: {CHTMLpreview: false}
  });
})();
MathJax.Ajax.loadComplete("[MathJax]/config/local/rnn-course.js");
