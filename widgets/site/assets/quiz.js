/* The course site's quizzes: each static quiz (widgets/quiz_widget.py quiz_html) carries its
   questions as jupyterquiz JSON; this script makes them answerable without a kernel, graded as
   widgets/quiz_grading.py grades them. All text is set with textContent (never as HTML). */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function parseNumber(text) {
    var cleaned = String(text).replace(/\s+/g, "").replace(/\u2212/g, "-");
    var parts = cleaned.split("/");
    var ok = /^[-+]?[\d.]+(e[-+]?\d+)?$/i;
    if (!cleaned || parts.length > 2 || !parts.every(function (p) { return ok.test(p); })) {
      return null;
    }
    var values = parts.map(Number);
    if (values.some(isNaN) || (values.length === 2 && values[1] === 0)) return null;
    var value = values.length === 2 ? values[0] / values[1] : values[0];
    return isFinite(value) ? value : null;
  }

  function gradeNumeric(question, text) {
    var number = parseNumber(text);
    if (number === null) return {answered: false, message: "Type a number first, e.g. 0.25 or 1/4."};
    var round = function (x) {
      return question.precision ? Number(x.toPrecision(question.precision)) : x;
    };
    var typed = round(number);
    for (var i = 0; i < question.answers.length; i++) {
      var answer = question.answers[i];
      var hit = answer.type === "value" ? round(answer.value) === typed
        : answer.type === "range" ? answer.range[0] <= number && number < answer.range[1]
        : answer.type === "default";
      if (hit) return {answered: true, correct: !!answer.correct, feedback: [answer.feedback || ""]};
    }
    return {answered: true, correct: false, feedback: []};
  }

  function gradeChoice(question, chosen) {
    if (!chosen.length) return {answered: false, message: "Choose an answer first."};
    var wanted = question.answers.map(function (a, i) { return a.correct ? i : -1; })
      .filter(function (i) { return i >= 0; });
    var correct = chosen.length === wanted.length && chosen.every(function (i) {
      return wanted.indexOf(i) >= 0;
    });
    var feedback = chosen.map(function (i) {
      var a = question.answers[i];
      return (a.correct ? "\u2713 " : "\u2717 ") + a.answer + ": " + (a.feedback || "");
    });
    return {answered: true, correct: correct, feedback: feedback};
  }

  function optionsOf(question, item) {
    var kind = question.type === "many_choice" ? "checkbox" : "radio";
    var name = "q" + Math.random().toString(36).slice(2);
    var inputs = question.answers.map(function (answer, i) {
      var label = el("label", "rnn-quiz-option");
      var input = el("input");
      input.type = kind; input.name = name; input.value = String(i);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + answer.answer));
      item.appendChild(label);
      return input;
    });
    return function () {
      return inputs.filter(function (x) { return x.checked; }).map(function (x) { return +x.value; });
    };
  }

  function showResult(box, question, result) {
    box.textContent = "";
    if (!result.answered) { box.appendChild(el("p", "rnn-quiz-message", result.message)); return; }
    box.appendChild(el("p", "rnn-quiz-message " + (result.correct ? "right" : "wrong"),
                       result.correct ? "Correct." : "Not quite."));
    result.feedback.forEach(function (text) { if (text) box.appendChild(el("p", "", text)); });
    if (result.correct && question.explanation) box.appendChild(el("p", "rnn-quiz-explanation", question.explanation));
  }

  function questionItem(question, number) {
    var item = el("li", "rnn-quiz-question");
    item.appendChild(el("p", "", question.question));
    if (question.code) item.appendChild(el("pre", "", question.code));
    var read;
    if (question.type === "numeric") {
      var input = el("input"); input.type = "text"; input.setAttribute("aria-label", "answer " + number);
      item.appendChild(input);
      read = function () { return gradeNumeric(question, input.value); };
    } else {
      var chosen = optionsOf(question, item);
      read = function () { return gradeChoice(question, chosen()); };
    }
    var button = el("button", "rnn-quiz-check", "Check");
    button.type = "button";
    var feedback = el("div", "rnn-quiz-feedback");
    feedback.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () { showResult(feedback, question, read()); });
    item.appendChild(button);
    item.appendChild(feedback);
    return item;
  }

  function activate(quiz) {
    var data = quiz.querySelector("script.rnn-quiz-data");
    var list = quiz.querySelector("ol.rnn-quiz-questions");
    if (!data || !list) return;
    var questions = JSON.parse(data.textContent);
    var live = el("ol", "rnn-quiz-live");
    questions.forEach(function (q, i) { live.appendChild(questionItem(q, i + 1)); });
    list.replaceWith(live);
    quiz.classList.add("rnn-quiz-active");
  }

  function start() { document.querySelectorAll(".rnn-quiz-static").forEach(activate); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
